//! Node.js packages the suite drives (the official Graph JavaScript client, Vitest), each
//! installed from npm with `npm ci` into its own folder, then reused while its lock file is
//! unchanged.

use std::ffi::OsStr;
use std::path::Path;

use crate::python;

/// One install at a time: tests sharing a folder run side by side, and two `npm ci` in one
/// folder trip over each other.
static INSTALLING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Installs the locked packages of `dir` unless they already are.
pub async fn install(dir: &Path) {
    let _one_at_a_time = INSTALLING.lock().await;
    let lock = std::fs::read_to_string(dir.join("package-lock.json")).expect("the lock file");
    let stamp = dir.join("node_modules/.installed-lock.json");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(lock.as_str()) {
        return;
    }
    let args: Vec<&OsStr> = ["ci", "--no-audit", "--no-fund", "--prefix"]
        .iter()
        .map(OsStr::new)
        .chain([dir.as_os_str()])
        .collect();
    python::run("npm".as_ref(), &args).await;
    std::fs::write(&stamp, &lock).expect("the stamp is writable");
}
