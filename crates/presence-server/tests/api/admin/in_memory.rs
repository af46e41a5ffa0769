//! `--in-memory` (and `--database-url sqlite::memory:`): everything works, nothing is
//! written to disk.

use std::path::Path;
use std::time::Duration;

use presence_test_support::{TestServer, WebhookReceiver};

use super::*;

/// Every file under `dir`.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path.clone());
            }
            found.push(path.display().to_string());
        }
    }
    found
}

#[tokio::test]
async fn in_memory_everything_works_and_nothing_touches_the_disk() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = TestServer::start_bare(
        dir.path(),
        &[
            "--in-memory",
            "--auth",
            "none",
            "--clock",
            "manual",
            "--notification-scan-interval",
            "100ms",
        ],
    )
    .await;
    let receiver = WebhookReceiver::start().await;
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{ALICE}/presence/setPresence"),
            "",
            Some(json!({"sessionId": APP, "availability": "Available", "activity": "Available", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    subscribe(&server, "", &receiver.url, &[ALICE]).await;
    server.advance_clock("PT6M").await;
    let received = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received[0]["resourceData"]["availability"], "AvailableIdle");
    let info = server
        .admin_client()
        .admin_info()
        .send()
        .await
        .expect("info")
        .into_inner();
    assert!(info.in_memory);
    assert_eq!((info.counts.sessions, info.counts.subscriptions), (1, 1));
    assert!(server.stop().await, "stops cleanly");
    assert_eq!(
        files_under(dir.path()),
        Vec::<String>::new(),
        "nothing was written"
    );
}

#[tokio::test]
async fn in_memory_with_tokens_keeps_the_generated_secret_off_the_disk() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = TestServer::start_bare(dir.path(), &["--database-url", "sqlite::memory:"]).await;
    let response = reqwest::get(server.url(&format!("/v1.0/users/{ALICE}/presence")))
        .await
        .expect("answers");
    assert_eq!(response.status(), 401, "tokens are still required");
    assert!(server.stop().await);
    assert_eq!(
        files_under(dir.path()),
        Vec::<String>::new(),
        "no secret, no database file"
    );
}
