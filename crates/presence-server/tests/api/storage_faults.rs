//! The SQLite database under faults: a full disk, a second server on the same file, a file
//! that cannot be written. A 200 is only ever sent for a write that was committed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;

use serde_json::{Value, json};
use sqlx::Connection;
use tokio::sync::Semaphore;

use presence_test_support::{Backend, TestServer, backend, binary, stored_sessions};

/// A tmpfs of `size` mounted for the test's lifetime (unmounted when dropped), or `None`
/// when this process may not mount (not root): the caller then skips, saying so.
struct SmallDisk {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).expect("a mount point");
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        mounted.then_some(Self { path, _dir: dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}

/// `setPresence` of a fresh session for `user`: the status.
async fn set_busy(http: &reqwest::Client, server: &str, user: &str) -> (u16, Value) {
    let body = json!({"sessionId": "app", "availability": "Busy", "activity": "InACall", "expirationDuration": "PT4H"});
    let response = http
        .post(format!("{server}/v1.0/users/{user}/presence/setPresence"))
        .json(&body)
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Sends `setPresence` for each of `users`, 8 at a time; the users answered 200, and every
/// other answer (status and error code).
async fn set_all(
    http: &reqwest::Client,
    server: &str,
    users: impl Iterator<Item = String>,
) -> (Vec<String>, Vec<(u16, String)>) {
    let slots = Arc::new(Semaphore::new(8));
    let mut tasks = Vec::new();
    for user in users {
        let (http, server, slots) = (http.clone(), server.to_owned(), slots.clone());
        tasks.push(tokio::spawn(async move {
            let _slot = slots.acquire_owned().await.expect("open");
            let answer = set_busy(&http, &server, &user).await;
            (user, answer)
        }));
    }
    let (mut ok, mut refused) = (Vec::new(), Vec::new());
    for task in tasks {
        let (user, (status, body)) = task.await.expect("ran");
        if status == 200 {
            ok.push(user);
        } else {
            let code = body["error"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            refused.push((status, code));
        }
    }
    (ok, refused)
}

#[tokio::test]
async fn a_full_disk_is_refused_with_507_reported_by_healthz_and_nothing_acknowledged_is_lost() {
    if backend() != Backend::Sqlite {
        return;
    }
    let Some(disk) = SmallDisk::mount("4m") else {
        eprintln!("SKIPPED: mounting a small tmpfs needs root (CI runs as root)");
        return;
    };
    let ballast = disk.path.join("ballast");
    std::fs::write(&ballast, vec![7u8; 1 << 20]).expect("1 MiB of ballast");
    let data = disk.path.join("data");
    let server = TestServer::start_in(&data, &["--auth", "none"]).await;
    let http = reqwest::Client::new();
    // A reader's open snapshot keeps SQLite from reusing the WAL from its start, so the
    // disk stays full until the test frees it (otherwise a checkpoint may make room).
    let mut reader = sqlx::SqliteConnection::connect(&server.database_url)
        .await
        .expect("a reader");
    sqlx::raw_sql("BEGIN; SELECT COUNT(*) FROM presence_users;")
        .execute(&mut reader)
        .await
        .expect("a snapshot");

    // Write until the disk is full.
    let mut acknowledged: Vec<String> = Vec::new();
    let mut next = 0;
    let refused = loop {
        let (ok, refused) = set_all(
            &http,
            &server.origin,
            (next..next + 200).map(|n| format!("fill-{n}")),
        )
        .await;
        next += 200;
        acknowledged.extend(ok);
        if !refused.is_empty() {
            break refused;
        }
        assert!(next < 200_000, "4 MiB never filled");
    };
    for (status, code) in &refused {
        assert!(
            (*status, code.as_str()) == (507, "insufficientStorage")
                || (*status, code.as_str()) == (503, "serviceNotAvailable"),
            "a write the disk could not take is answered {status} {code}"
        );
    }
    assert!(
        refused.iter().any(|(status, _)| *status == 507),
        "{refused:?}"
    );

    // Still full: each later write is refused, or (if a checkpoint made room) kept.
    let (ok, still_refused) =
        set_all(&http, &server.origin, (0..50).map(|n| format!("late-{n}"))).await;
    acknowledged.extend(ok);
    assert!(!still_refused.is_empty(), "the disk is still full");
    // Right after a refused write, healthz says writes fail, and why. (Once no write failed
    // for a second it probes, and a probe may fit where the last batch did not: so it is
    // asked right after a refusal, a few times in case this machine is slow.)
    let mut said = None;
    for attempt in 0..20 {
        let (status, _) = set_busy(&http, &server.origin, &format!("probe-{attempt}")).await;
        if status == 200 {
            acknowledged.push(format!("probe-{attempt}"));
            continue;
        }
        let health = http
            .get(server.url("/healthz"))
            .send()
            .await
            .expect("answers");
        if health.status() == 503 {
            said = Some(health.json::<Value>().await.expect("JSON"));
            break;
        }
    }
    let health = said.expect("healthz answers 503 while writes fail");
    let message = health["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("no space"), "healthz says why: {message}");

    // Room again: writes commit without a restart, and healthz recovers.
    sqlx::raw_sql("COMMIT")
        .execute(&mut reader)
        .await
        .expect("the snapshot ends");
    drop(reader);
    std::fs::remove_file(&ballast).expect("ballast removed");
    let (ok, refused) = set_all(&http, &server.origin, (0..50).map(|n| format!("after-{n}"))).await;
    assert_eq!(refused, vec![], "every write commits once there is room");
    acknowledged.extend(ok);
    // Healthz probes once no write failed for a second: it recovers with the disk.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let health = http
            .get(server.url("/healthz"))
            .send()
            .await
            .expect("answers");
        if health.status() == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "healthz never recovered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Nothing acknowledged is missing after a crash and a restart.
    let database_url = server.database_url.clone();
    server.kill().await;
    let stored: HashSet<String> = stored_sessions(&database_url)
        .await
        .into_iter()
        .map(|(user, _)| user)
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|user| !stored.contains(*user))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes are missing: {:?}",
        lost.len(),
        acknowledged.len(),
        &lost[..lost.len().min(10)]
    );
    let again = TestServer::start_in(&data, &["--auth", "none"]).await;
    let (status, _) = set_busy(&http, &again.origin, "after-restart").await;
    assert_eq!(status, 200);
    drop(again);
    drop(disk);
}

/// Starts `presence-server` with `args` and waits for it to exit: (status, standard error).
async fn run_to_exit(args: &[&std::ffi::OsStr]) -> (std::process::ExitStatus, String) {
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        tokio::process::Command::new(binary("presence-server"))
            .args(["--listen", "127.0.0.1:0", "--auth", "none"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the server exits at once")
    .expect("the server runs");
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_second_server_on_the_same_sqlite_database_refuses_to_start_naming_the_holder() {
    if backend() != Backend::Sqlite {
        return;
    }
    let first = TestServer::start().await;
    let database = first.data_dir.join("presence.db");
    // Another data directory, the same database file.
    let other = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", database.display());
    let (status, stderr) = run_to_exit(&[
        "--data-dir".as_ref(),
        other.path().as_os_str(),
        "--database-url".as_ref(),
        url.as_ref(),
    ])
    .await;
    assert!(!status.success(), "refused: {stderr}");
    assert!(
        stderr.contains("in use by another presence server"),
        "{stderr}"
    );
    assert!(
        stderr.contains("presence.db-lock"),
        "names the lock: {stderr}"
    );
    assert!(
        stderr.contains("PostgreSQL"),
        "says what to use instead: {stderr}"
    );
    // The first one still serves.
    let (status, _) = set_busy(&reqwest::Client::new(), &first.origin, "still-mine").await;
    assert_eq!(status, 200);
    // Once it stops, the database is free again.
    let data_dir = first.data_dir.clone();
    assert!(first.stop().await);
    let _again = TestServer::start_in(&data_dir, &["--auth", "none"]).await;
}

/// Makes `file` unwritable, even for root (`chattr +i` where the filesystem has it), and
/// undoes that when dropped. `None` when neither works here.
struct Unwritable(PathBuf, bool);

impl Unwritable {
    fn make(file: &Path) -> Option<Self> {
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(file)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !immutable {
            let mut permissions = std::fs::metadata(file).ok()?.permissions();
            permissions.set_readonly(true);
            std::fs::set_permissions(file, permissions).ok()?;
        }
        let unwritable = std::fs::OpenOptions::new().write(true).open(file).is_err();
        let guard = Self(file.to_path_buf(), immutable);
        unwritable.then_some(guard)
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        if self.1 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        }
    }
}

#[tokio::test]
async fn a_read_only_database_file_is_refused_at_start() {
    if backend() != Backend::Sqlite {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = TestServer::start_in(dir.path(), &["--auth", "none"]).await;
    assert!(server.stop().await);
    let database = dir.path().join("presence.db");
    let Some(_guard) = Unwritable::make(&database) else {
        eprintln!("SKIPPED: this filesystem lets this user write any file (root without chattr)");
        return;
    };
    let url = format!("sqlite://{}", database.display());
    let (status, stderr) = run_to_exit(&[
        "--data-dir".as_ref(),
        dir.path().as_os_str(),
        "--database-url".as_ref(),
        url.as_ref(),
    ])
    .await;
    assert!(!status.success(), "refused: {stderr}");
    assert!(stderr.contains("cannot be written"), "{stderr}");
}
