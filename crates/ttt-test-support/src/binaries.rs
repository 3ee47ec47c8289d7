//! Finding the workspace's binaries from a test, in the test's own profile.
//!
//! Cargo tells an integration test where its own package's binaries are
//! (`CARGO_BIN_EXE_*`), but not another package's, nor examples. Like
//! ripgrep's `tests/util.rs`, this looks beside the running test executable:
//! tests run from `target/<profile>/deps/`, binaries sit in
//! `target/<profile>/`. It asks Cargo to build the target first (a no-op when
//! it is fresh), in that same profile, so a `--release` test run never picks
//! up a stale debug binary.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

/// `target/<profile>/`: where this test's profile puts binaries.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let mut dir = exe
        .parent()
        .expect("test executable directory")
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir
}

/// A binary target of the workspace: `binary("ttt-server", "ttt-server")`,
/// or an example with `binary("ttt-server", "examples/echo-server")`.
/// Built once per test process, in the profile the test was built in.
pub fn binary(package: &str, name: &str) -> PathBuf {
    static BUILT: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let dir = profile_dir();
    let (kind, target) = match name.strip_prefix("examples/") {
        Some(example) => ("--example", example),
        None => ("--bin", name),
    };
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let mut built = BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if built
        .get_or_insert_with(HashSet::new)
        .insert(name.to_owned())
    {
        // target/debug holds the `dev` profile; every other profile has a
        // directory of its own name (release, bench builds in release).
        let profile = match dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev",
            Some(other) => other,
        };
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "--profile",
                profile,
                "-p",
                package,
                kind,
                target,
            ])
            .status()
            .expect("run cargo build");
        assert!(
            status.success(),
            "cargo build --profile {profile} -p {package} {kind} {target} failed"
        );
    }
    assert!(path.exists(), "{} was not built", path.display());
    path
}
