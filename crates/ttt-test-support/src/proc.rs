//! Readings of a process from `/proc` (Linux): open descriptors, memory,
//! threads, CPU time. Missing files read as zero, so a process that has
//! just exited gives zeros rather than a panic.

/// A `/proc/<pid>/status` field: in KiB for memory (`VmRSS:`, `VmHWM:`), a
/// count for `Threads:`.
pub fn status_field(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// How many file descriptors process `pid` has open.
pub fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| dir.count())
        .unwrap_or(0)
}

/// The contents of `/proc/<pid>/task/<tid>/<file>` for each of the
/// process's threads (none if the process is gone).
fn task_files(pid: u32, file: &str) -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join(file)).ok())
        .collect()
}

/// CPU time of all the process's threads, in nanoseconds, from
/// `/proc/<pid>/task/*/schedstat` (far finer than the clock ticks of
/// `/proc/<pid>/stat`).
pub fn cpu_ns(pid: u32) -> u64 {
    task_files(pid, "schedstat")
        .iter()
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Context switches (voluntary and not) of all the process's threads.
pub fn context_switches(pid: u32) -> u64 {
    task_files(pid, "status")
        .iter()
        .flat_map(|status| status.lines())
        .filter(|l| l.contains("ctxt_switches:"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum()
}
