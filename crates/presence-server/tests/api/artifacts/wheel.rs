//! The wheel, installed with pip into a fresh virtual environment, as a user would; then a
//! small pytest project (packaging/python/example/) that uses msgraph-sdk and azure-identity
//! through the plugin's fixtures, over HTTPS.

use super::{artifact, dist, docker_api, image, run};
use crate::python::workspace_root;

#[tokio::test]
async fn the_wheel_installs_and_its_pytest_fixtures_serve_the_official_sdks() {
    let Some(dist) = dist() else { return };
    let wheel = artifact(&dist, "presence_emulator-", ".whl");
    let venv = tempfile::tempdir().expect("a temporary directory");
    run(
        tokio::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(venv.path()),
        "python3 -m venv",
    )
    .await;
    let python = venv.path().join("bin/python");
    let started = std::time::Instant::now();
    run(
        tokio::process::Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(format!("{}[testcontainers]", wheel.display()))
            .arg("testcontainers==4.15.0")
            .arg("-r")
            .arg(workspace_root().join("packaging/python/example/requirements.txt")),
        "pip install the wheel",
    )
    .await;
    eprintln!("pip install: {:.1} s", started.elapsed().as_secs_f64());
    // The executables are on the environment's PATH.
    let version = run(
        tokio::process::Command::new(venv.path().join("bin/presencectl")).arg("--version"),
        "presencectl --version",
    )
    .await;
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
    let output = run(
        tokio::process::Command::new(&python)
            .args([
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "--presence-tls",
            ])
            .arg(workspace_root().join("packaging/python/example"))
            .env_remove("PRESENCE_SERVER"),
        "the example pytest project",
    )
    .await;
    assert!(output.contains("4 passed"), "{output}");

    // presence_emulator.testcontainers against podman's Docker-compatible API.
    let api = docker_api().await;
    let output = run(
        tokio::process::Command::new(&python)
            .arg(workspace_root().join("packaging/python/example/container_check.py"))
            .arg(image())
            .current_dir(workspace_root().join("packaging/python/example"))
            .env("DOCKER_HOST", &api.host)
            .env("TESTCONTAINERS_RYUK_DISABLED", "true")
            .env("TESTCONTAINERS_CONNECTION_MODE", "docker_host"),
        "PresenceContainer (testcontainers-python)",
    )
    .await;
    assert!(output.contains("container: ok"), "{output}");
}
