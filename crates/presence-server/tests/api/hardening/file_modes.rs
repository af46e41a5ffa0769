//! Everything the server keeps in its data directory is readable by its owner only, whatever
//! the umask, and an existing installation is tightened at start.

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use presence_test_support::binary;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Runs the server with umask 022 (what most services get) until it listens, then stops it.
async fn run_once(dir: &std::path::Path) {
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(r#"umask 022 && exec "$0" "$@""#)
        .arg(binary("presence-server"))
        .args(["--listen", "127.0.0.1:0", "--tls", "--data-dir"])
        .arg(dir)
        .env("PRESENCE_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let mut log = BufReader::new(child.stderr.take().expect("piped")).lines();
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = log.next_line().await.expect("readable") {
            if line.contains("listening on") {
                return;
            }
        }
        panic!("the server stopped before listening");
    })
    .await
    .expect("the server listens in time");
    let pid = child.id().expect("running").to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    tokio::spawn(async move { while let Ok(Some(_)) = log.next_line().await {} });
    let _ = tokio::time::timeout(Duration::from_secs(15), child.wait()).await;
}

#[tokio::test]
async fn the_data_directory_and_every_private_file_are_owner_only_whatever_the_umask() {
    let parent = tempfile::tempdir().expect("a temporary directory");
    let dir = parent.path().join("data");
    run_once(&dir).await;
    let private = [
        "presence.db",
        "presence.db-lock",
        "jwt-secret",
        "tls/ca-key.pem",
        "tls/server-key.pem",
    ];
    assert_eq!(mode(&dir), 0o700, "the data directory");
    assert_eq!(mode(&dir.join("tls")), 0o700, "its tls directory");
    for file in private {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    // Every other file there is owner-only too, but the CA's public certificate.
    for entry in std::fs::read_dir(&dir).expect("listable").flatten() {
        let path = entry.path();
        if path.is_file() {
            assert_eq!(mode(&path) & 0o077, 0, "{} is owner-only", path.display());
        }
    }

    // An installation made before: everything loosened, then one start tightens it.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("loosened");
    for file in private {
        std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o644))
            .expect("loosened");
    }
    run_once(&dir).await;
    assert_eq!(mode(&dir), 0o700);
    for file in private {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file} tightened at start");
    }
}
