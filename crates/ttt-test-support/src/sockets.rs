//! Cutting a connection under a running program, as a dropped Wi-Fi link
//! or a NAT that forgot it would.

/// Kills the client's own connections to `port` (from 127.0.0.1) under
/// it, as a dropped Wi-Fi link or a NAT that forgot it would: `ss -K`
/// aborts a socket in the kernel (Linux, as root). False if it cannot
/// (not root, no `ss`), so the caller can skip; `.ci/run` runs as root
/// and sets `TTT_REQUIRE_SS_KILL`.
pub fn kill_client_sockets(port: u16) -> bool {
    let filter = format!("src 127.0.0.1 and dport = :{port}");
    let out = std::process::Command::new("ss")
        .args(["-K", "-t", "-n", &filter])
        .output();
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    match out {
        Ok(out) if out.status.success() && root => {
            let listed = String::from_utf8_lossy(&out.stdout);
            assert!(
                listed.contains(&format!(":{port}")),
                "ss -K killed nothing: {listed}"
            );
            true
        }
        _ => {
            assert!(
                std::env::var_os("TTT_REQUIRE_SS_KILL").is_none(),
                "ss -K (iproute2, as root) is required here"
            );
            false
        }
    }
}
