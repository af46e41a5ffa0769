//! The README's "Using presence in your test suite" examples run as written: the pytest
//! fixtures (examples/testing/python) and the Vitest globalSetup (examples/testing/node),
//! each starting this build's server in memory, seeding it before every test.

use presence_test_support::binary;
use tokio::process::Command;

use crate::python::{self, workspace_root};

#[tokio::test]
async fn the_pytest_fixtures_work_as_documented() {
    let python = python::venv(
        "examples/testing/python/requirements.txt",
        "testing-example-venv",
    )
    .await;
    let output = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "examples/testing/python",
        ])
        .current_dir(workspace_root())
        .env("PRESENCE_SERVER", binary("presence-server"))
        .output()
        .await
        .expect("pytest runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "pytest failed:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("3 passed"), "{report}");
}

#[tokio::test]
async fn the_vitest_global_setup_works_as_documented() {
    let dir = workspace_root().join("examples/testing/node");
    crate::node::install(&dir).await;
    let output = Command::new("node")
        .args(["node_modules/vitest/vitest.mjs", "run"])
        .current_dir(&dir)
        .env("PRESENCE_SERVER", binary("presence-server"))
        .env("NO_COLOR", "1")
        .output()
        .await
        .expect("vitest runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "vitest failed:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("3 passed"), "{report}");
}
