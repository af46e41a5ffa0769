//! The official Microsoft Graph Python SDK (`msgraph-sdk`), pointed at our base URL, works
//! unchanged: compat/python/graph_sdk_compat.py drives every operation through it, against a
//! server with default settings and a token minted by `presencectl token`.
//!
//! The SDK is installed from PyPI into `target/graph-sdk-venv` on first use (about 30 s, then
//! cached). `PRESENCE_SDK_PYTHON=/path/to/python` uses an interpreter that already has it.

use std::path::PathBuf;

use tokio::process::Command;

use presence_test_support::{TestServer, binary};

use crate::python::{self, workspace_root};

/// A Python interpreter with the pinned SDK (`PRESENCE_SDK_PYTHON` overrides).
async fn python_with_sdk() -> PathBuf {
    if let Some(python) = std::env::var_os("PRESENCE_SDK_PYTHON") {
        return python.into();
    }
    python::venv("compat/python/requirements.txt", "graph-sdk-venv").await
}

#[tokio::test]
async fn the_official_python_graph_sdk_works_unchanged() {
    let python = python_with_sdk().await;
    // Default settings (JWT required), with a token minted by `presencectl token`.
    let server = TestServer::start_with(&[]).await;
    let mint = |args: &'static [&'static str]| {
        let data_dir = server.data_dir.clone();
        async move {
            let minted = Command::new(binary("presencectl"))
                .arg("token")
                .args(args)
                .arg("--data-dir")
                .arg(&data_dir)
                .output()
                .await
                .expect("presencectl runs");
            assert!(
                minted.status.success(),
                "{}",
                String::from_utf8_lossy(&minted.stderr)
            );
            String::from_utf8(minted.stdout)
                .expect("a token is text")
                .trim()
                .to_owned()
        }
    };
    let app_token = mint(&["--roles", "Presence.ReadWrite.All"]).await;
    let user_token = mint(&[
        "--user",
        "fa8bf3dc-eca7-46b7-bad1-db199b62afc3",
        "--scopes",
        "Presence.ReadWrite",
    ])
    .await;
    let output = Command::new(&python)
        .arg(workspace_root().join("compat/python/graph_sdk_compat.py"))
        .arg(format!("{}/v1.0", server.origin))
        .arg(&app_token)
        .arg(&user_token)
        .output()
        .await
        .expect("the compatibility script runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Graph SDK failed against us:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("ok: the same SDK against /beta"),
        "every step ran:\n{stdout}"
    );
}
