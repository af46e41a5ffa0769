//! The official Microsoft Graph Python SDK (`msgraph-sdk`), pointed at our base URL, works
//! unchanged: compat/python/graph_sdk_compat.py drives every operation through it, against a
//! server with default settings and a token minted by `presencectl token`.
//!
//! The SDK is installed from PyPI into `target/graph-sdk-venv` on first use (about 30 s, then
//! cached). `PRESENCE_SDK_PYTHON=/path/to/python` uses an interpreter that already has it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use tokio::process::Command;

use presence_test_support::{TestServer, binary};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A Python interpreter with the pinned SDK, provisioning the cached venv when needed.
async fn python_with_sdk() -> PathBuf {
    if let Some(python) = std::env::var_os("PRESENCE_SDK_PYTHON") {
        return python.into();
    }
    let root = workspace_root();
    let requirements_path = root.join("compat/python/requirements.txt");
    let requirements = std::fs::read_to_string(&requirements_path).expect("requirements.txt");
    let venv = root.join("target/graph-sdk-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("installed-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(requirements.as_str()) {
        return python;
    }
    run(
        Path::new("python3"),
        &["-m".as_ref(), "venv".as_ref(), venv.as_os_str()],
    )
    .await;
    let pip: [&OsStr; 5] = [
        "-m".as_ref(),
        "pip".as_ref(),
        "install".as_ref(),
        "--quiet".as_ref(),
        "-r".as_ref(),
    ];
    let mut args = pip.to_vec();
    args.push(requirements_path.as_os_str());
    run(&python, &args).await;
    std::fs::write(&stamp, requirements).expect("the venv stamp is writable");
    python
}

async fn run(program: &Path, args: &[&OsStr]) {
    let status = Command::new(program)
        .args(args)
        .status()
        .await
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    assert!(
        status.success(),
        "{} {args:?} failed; is PyPI reachable?",
        program.display()
    );
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
