//! Acknowledged writes survive `kill -9`; expired sessions are purged; overload sheds load.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use presence_test_support::{TestServer, stored_sessions};

#[tokio::test]
async fn every_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let server = TestServer::start_in(dir.path(), &["--auth", "none"]).await;
    let database_url = server.database_url.clone();
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let http = reqwest::Client::new();
    let mut writers = Vec::new();
    for writer in 0..16 {
        let (http, acknowledged) = (http.clone(), acknowledged.clone());
        let url_base = server.url("/v1.0/users");
        writers.push(tokio::spawn(async move {
            let user = format!("crash-user-{writer}");
            for i in 0.. {
                let session = format!("session-{i}");
                let body = json!({"sessionId": session, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT4H"});
                let sent = http.post(format!("{url_base}/{user}/presence/setPresence")).json(&body).send().await;
                match sent {
                    Ok(response) if response.status() == 200 => {
                        acknowledged.lock().expect("not poisoned").push((user.clone(), session));
                    }
                    _ => break, // the server is gone
                }
            }
        }));
    }
    // Let writes flow until more than 100 were acknowledged (waiting for that, not for a
    // fixed time: a busy machine acknowledged only 88 in 1.5 s once), then kill the server in
    // the middle of them.
    let started = std::time::Instant::now();
    while acknowledged.lock().expect("not poisoned").len() <= 100 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "writes are not acknowledged"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill().await;
    for writer in writers {
        writer.await.expect("writer task");
    }
    let acknowledged = acknowledged.lock().expect("not poisoned").clone();
    assert!(
        acknowledged.len() > 100,
        "only {} writes were acknowledged",
        acknowledged.len()
    );

    let stored: HashSet<(String, String)> =
        stored_sessions(&database_url).await.into_iter().collect();
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|w| !stored.contains(*w))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes were lost: {:?}",
        lost.len(),
        acknowledged.len(),
        &lost[..lost.len().min(5)]
    );

    // And the server starts again on the crashed database and serves what it had.
    let restarted = TestServer::start_in(dir.path(), &["--auth", "none"]).await;
    let (user, _) = &acknowledged[0];
    let presence: Value = reqwest::get(restarted.url(&format!("/v1.0/users/{user}/presence")))
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(presence["availability"], "Busy");
}

#[tokio::test]
async fn expired_sessions_are_purged_in_the_background_and_sequence_never_goes_back() {
    let server = TestServer::start_with(&[
        "--auth",
        "none",
        "--clock",
        "manual",
        "--purge-interval",
        "100ms",
    ])
    .await;
    let http = reqwest::Client::new();
    let user = "purge-user";
    for session in ["a", "b", "c"] {
        let response = http
            .post(server.url(&format!("/v1.0/users/{user}/presence/setPresence")))
            .json(&json!({"sessionId": session, "availability": "Away", "activity": "Away"}))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 200);
    }
    let sequence = || async {
        let presence: Value = reqwest::get(server.url(&format!("/v1.0/users/{user}/presence")))
            .await
            .expect("answers")
            .json()
            .await
            .expect("JSON");
        presence["sequenceNumber"]
            .as_str()
            .expect("sequenceNumber")
            .to_owned()
    };
    let written = sequence().await;
    server.advance_clock("PT10M").await;
    let expired = sequence().await;
    assert!(
        expired > written,
        "expiry is a change: {written} then {expired}"
    );
    let mut remaining = usize::MAX;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        remaining = stored_sessions(&server.database_url).await.len();
        if remaining == 0 {
            break;
        }
    }
    assert_eq!(remaining, 0, "expired sessions are deleted");
    let after_purge = sequence().await;
    assert!(
        after_purge >= expired,
        "purging does not move sequenceNumber back: {expired} then {after_purge}"
    );
}

#[tokio::test]
async fn requests_over_the_in_flight_limit_get_503_with_retry_after() {
    // A long body deadline: the slow request must keep its permit however busy the machine.
    let server = TestServer::start_with(&[
        "--auth",
        "none",
        "--max-in-flight",
        "1",
        "--body-timeout",
        "60s",
    ])
    .await;
    // Hold the only permit: a request whose body never finishes arriving. With two workers
    // the probe below can reach the server first and take the permit, shedding the slow
    // request instead; then start over with a new slow request.
    let address = server.origin.trim_start_matches("http://").to_owned();
    let mut attempts = 0;
    let (slow, response) = loop {
        attempts += 1;
        let mut slow = tokio::net::TcpStream::connect(&address)
            .await
            .expect("connects");
        slow.write_all(
            b"POST /v1.0/users/u/presence/setPresence HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"sessionId\":",
        )
        .await
        .expect("partial request sent");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let response = reqwest::get(server.url("/v1.0/users/u/presence"))
            .await
            .expect("answers");
        if response.status() == 503 || attempts == 20 {
            break (slow, response);
        }
    };
    assert_eq!(response.status(), 503);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let envelope: Value = response.json().await.expect("JSON");
    assert_eq!(envelope["error"]["code"], "serviceNotAvailable");
    drop(slow);
    // Once the slow request is gone, the server answers again.
    let mut status = 0;
    for _ in 0..50 {
        status = reqwest::get(server.url("/v1.0/users/u/presence"))
            .await
            .expect("answers")
            .status()
            .as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200);
}
