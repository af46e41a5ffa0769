//! Python tools the suite drives (the official Graph SDK, schemathesis), each installed from
//! PyPI into its own cached virtual environment under `target/`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use tokio::process::Command;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

static PROVISIONING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The interpreter of `target/{name}`, with `requirements` (relative to the workspace)
/// installed; provisioned on first use, then reused while the requirements are unchanged.
pub async fn venv(requirements: &str, name: &str) -> PathBuf {
    // One provisioning at a time: tests sharing a venv run side by side.
    let _one_at_a_time = PROVISIONING.lock().await;
    let root = workspace_root();
    let requirements_path = root.join(requirements);
    let wanted = std::fs::read_to_string(&requirements_path).expect("the requirements file");
    let venv = root.join("target").join(name);
    let python = venv.join("bin/python");
    let stamp = venv.join("installed-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
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
    std::fs::write(&stamp, wanted).expect("the venv stamp is writable");
    python
}

pub async fn run(program: &Path, args: &[&OsStr]) {
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
