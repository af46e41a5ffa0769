//! #25: what users install, tested as installed, from what `cargo xtask dist` built
//! (`target/dist/`): the wheel in a fresh virtual environment, the npm tarball in a scratch
//! project, the container image under podman. `cargo xtask test` builds the artifacts first
//! and names them in `PRESENCE_DIST` for its SQLite pass; elsewhere (a plain `cargo test`, the
//! PostgreSQL pass: the artifacts do not depend on the backend) these tests say so and pass.

mod image;
mod npm;
mod wheel;

use std::path::PathBuf;

/// `target/dist`, when this run is to test the artifacts.
pub fn dist() -> Option<PathBuf> {
    match std::env::var_os("PRESENCE_DIST") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!(
                "the artifacts are tested by `cargo xtask test` (after `cargo xtask dist`); \
                 PRESENCE_DIST is not set, so not here"
            );
            None
        }
    }
}

/// The one file in `dir` whose name starts with `prefix` and ends with `suffix`.
pub fn artifact(dir: &std::path::Path, prefix: &str, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("target/dist is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {prefix}…{suffix} in {}: {found:?}",
        dir.display()
    );
    found.into_iter().next().expect("one")
}

/// Runs `command`, failing the test with its output unless it succeeds; answers its stdout.
pub async fn run(command: &mut tokio::process::Command, what: &str) -> String {
    let output = command
        .output()
        .await
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// podman's Docker-compatible API on a socket of its own, for Testcontainers; stopped when
/// dropped.
pub struct DockerApi {
    _service: tokio::process::Child,
    /// `unix:///…/podman.sock`, for `DOCKER_HOST`.
    pub host: String,
    _dir: tempfile::TempDir,
}

/// Starts podman's API service and waits for its socket.
pub async fn docker_api() -> DockerApi {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let socket = dir.path().join("podman.sock");
    let host = format!("unix://{}", socket.display());
    let service = tokio::process::Command::new("podman")
        .args(["system", "service", "--time=0", &host])
        .kill_on_drop(true)
        .spawn()
        .expect("podman system service starts (is podman installed?)");
    let started = std::time::Instant::now();
    while !socket.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "podman's API socket did not appear"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    DockerApi {
        _service: service,
        host,
        _dir: dir,
    }
}

/// The image `cargo xtask dist --image` built.
pub fn image() -> String {
    std::env::var("PRESENCE_IMAGE")
        .unwrap_or_else(|_| format!("localhost/presence:{}", env!("CARGO_PKG_VERSION")))
}
