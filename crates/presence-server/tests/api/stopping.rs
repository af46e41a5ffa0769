//! Stopping the server: prompt with event streams open (each ends with a last event), and
//! possible even after whatever read its log has gone.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_stream::StreamExt;

use presence_test_support::{TestServer, app_token, binary};

const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

/// Reads `stream` until `text` arrived; everything read so far.
async fn read_until(
    stream: &mut (impl tokio_stream::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    text: &str,
) -> String {
    let mut seen = String::new();
    while !seen.contains(text) {
        let chunk = tokio::time::timeout(Duration::from_secs(15), stream.next())
            .await
            .unwrap_or_else(|_| panic!("{text:?} in time; got {seen:?}"))
            .unwrap_or_else(|| panic!("the stream ended before {text:?}: {seen:?}"))
            .expect("readable");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    seen
}

#[tokio::test]
async fn a_stop_with_streams_open_ends_each_with_a_shutdown_event_and_does_not_wait_for_them() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let mut presence = http
        .get(server.url(&format!("/v1.0/events/presence?ids={USER}")))
        .send()
        .await
        .expect("answers")
        .bytes_stream();
    let mut admin = http
        .get(server.url("/admin/events"))
        .send()
        .await
        .expect("answers")
        .bytes_stream();
    // Both are open and fed before the stop.
    read_until(&mut presence, "event: presence").await;
    read_until(&mut admin, ": open").await;

    let started = Instant::now();
    let stopping = tokio::spawn(server.stop());
    for stream in [&mut presence, &mut admin] {
        let end = read_until(stream, "event: end").await;
        assert!(end.contains(r#""reason":"shutdown""#), "{end}");
    }
    assert!(stopping.await.expect("stopped"), "a clean exit");
    // The graceful stop's timeout is 10 s: a stop that waited for the streams took all of it.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "the stop took {took:?}");
}

#[tokio::test]
async fn the_server_still_stops_after_the_reader_of_its_log_has_gone() {
    presence_client::install_crypto_provider();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut child = tokio::process::Command::new(binary("presence-server"))
        .args(["--listen", "127.0.0.1:0", "--auth", "none", "--data-dir"])
        .arg(dir.path())
        .env("PRESENCE_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let mut log = BufReader::new(child.stderr.take().expect("piped")).lines();
    let origin = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), log.next_line())
            .await
            .expect("the server logs in time")
            .expect("readable")
            .expect("the server says where it listens");
        if let Some((_, url)) = line.split_once("listening on ") {
            break url.trim().to_owned();
        }
    };
    // The log's reader goes away (as `tee` does on Ctrl-C): the pipe is closed.
    drop(log);
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{origin}/livez"))
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);

    let pid = child.id().expect("running").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    // Logging "shutting down" now fails (EPIPE): that must not keep the server running.
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("the server stops although its log cannot be written")
        .expect("an exit status");
    // Its exit status may report the failed log writes; that it exited is what matters.
    let _ = status;
    assert!(
        http.get(format!("{origin}/livez")).send().await.is_err(),
        "nothing listens any more"
    );
}

#[tokio::test]
async fn streams_are_capped_per_application_leaving_other_applications_served() {
    let server =
        TestServer::start_with(&["--max-streams-per-app", "2", "--max-streams", "3"]).await;
    let secret = server.secret();
    let flooder = app_token(&secret, "default", APP, &["Presence.Read.All"]);
    let other_app = "8c5e2ed4-3ab1-4e1e-9a0a-3f4a1a5b6c7d";
    let other = app_token(
        &secret,
        "other-tenant",
        other_app,
        &["Presence.ReadWrite.All"],
    );
    let http = reqwest::Client::new();
    let open = |token: &str| {
        http.get(server.url(&format!("/v1.0/events/presence?ids={USER}")))
            .bearer_auth(token)
            .send()
    };
    let first = open(&flooder).await.expect("answers");
    let second = open(&flooder).await.expect("answers");
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    let third = open(&flooder).await.expect("answers");
    assert_eq!(third.status(), 429, "past the application's share");
    assert!(third.headers().contains_key("retry-after"));
    let body: serde_json::Value = third.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "TooManyRequests");

    // Another application, in another tenant, still gets its stream and its writes.
    let theirs = open(&other).await.expect("answers");
    assert_eq!(theirs.status(), 200);
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{USER}/presence/setPresence"),
            &other,
            Some(serde_json::json!({"sessionId": other_app, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200);
    // The server's cap is reached: 503 for anyone.
    let over = open(&other).await.expect("answers");
    assert_eq!(over.status(), 503, "past the server's cap");
    assert!(over.headers().contains_key("retry-after"));

    // A closed stream gives its place back (once a keep-alive finds the client gone).
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let again = open(&flooder).await.expect("answers");
        if again.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the place was never given back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
