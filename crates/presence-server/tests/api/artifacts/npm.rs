//! The npm tarball, installed into a scratch project as a user would (`npm install` of the
//! file beside Vitest, Jest and the official libraries), then Vitest with its global setup and
//! a test using @azure/identity and @microsoft/microsoft-graph-client, Jest with its global
//! setup and teardown, and the Testcontainers module (packaging/npm-example/).

use super::{artifact, dist, docker_api, image, run};
use crate::python::workspace_root;

#[tokio::test]
async fn the_npm_package_installs_and_its_vitest_setup_serves_the_official_libraries() {
    let Some(dist) = dist() else { return };
    let tarball = artifact(&dist, "presence-emulator-", ".tgz");
    let project = tempfile::tempdir().expect("a temporary directory");
    for file in [
        "vitest.config.mjs",
        "presence.test.mjs",
        "jest.config.cjs",
        "presence.jest.cjs",
        "container_check.mjs",
    ] {
        std::fs::copy(
            workspace_root().join("packaging/npm-example").join(file),
            project.path().join(file),
        )
        .expect("copied");
    }
    std::fs::write(
        project.path().join("package.json"),
        r#"{"name": "scratch", "private": true, "type": "module"}"#,
    )
    .expect("written");
    let started = std::time::Instant::now();
    run(
        tokio::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent"])
            .arg(&tarball)
            .args([
                "vitest@3.2.4",
                "@azure/identity@4.13.0",
                "@microsoft/microsoft-graph-client@3.0.7",
                "testcontainers@11.14.0",
                "jest@29.7.0",
            ])
            .current_dir(project.path()),
        "npm install the tarball",
    )
    .await;
    eprintln!("npm install: {:.1} s", started.elapsed().as_secs_f64());
    // The executables are the project's.
    let version = run(
        tokio::process::Command::new("npx")
            .args(["--no-install", "presencectl", "--version"])
            .current_dir(project.path()),
        "npx presencectl --version",
    )
    .await;
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
    let output = run(
        tokio::process::Command::new("npx")
            .args(["--no-install", "vitest", "run"])
            .env("NO_COLOR", "1")
            .env_remove("NODE_EXTRA_CA_CERTS")
            .current_dir(project.path()),
        "vitest run",
    )
    .await;
    assert!(output.contains("2 passed"), "{output}");
    // Jest, with the package's global setup and teardown (Jest reports on stderr).
    let output = tokio::process::Command::new("npx")
        .args(["--no-install", "jest", "--ci"])
        .env("NO_COLOR", "1")
        .env_remove("NODE_EXTRA_CA_CERTS")
        .current_dir(project.path())
        .output()
        .await
        .expect("jest runs");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "jest failed ({}):\n{}\n{report}",
        output.status,
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(report.contains("1 passed"), "{report}");

    // presence-emulator/testcontainers against podman's Docker-compatible API.
    let api = docker_api().await;
    let output = run(
        tokio::process::Command::new("node")
            .arg("container_check.mjs")
            .arg(image())
            .current_dir(project.path())
            .env("DOCKER_HOST", &api.host)
            .env("TESTCONTAINERS_RYUK_DISABLED", "true")
            .env("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1"),
        "PresenceContainer (testcontainers-node)",
    )
    .await;
    assert!(output.contains("container: ok"), "{output}");
}
