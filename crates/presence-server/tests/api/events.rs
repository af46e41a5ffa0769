//! The server-sent events stream of presence changes.

use std::time::Duration;

use presence_test_support::{TestServer, app_token, user_token};
use serde_json::{Value, json};
use tokio_stream::StreamExt;

const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const OTHER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

/// Reads events from `stream` until `count` presence events arrived (`buffer` keeps what
/// arrived beyond them for the next call).
pub(crate) async fn next_presences(
    stream: &mut (impl tokio_stream::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    buffer: &mut String,
    count: usize,
) -> Vec<Value> {
    let mut found = Vec::new();
    while found.len() < count {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("an event in time")
            .expect("the stream stays open")
            .expect("readable");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                assert!(event.starts_with("event: presence"), "{event}");
                found.push(serde_json::from_str(data).expect("JSON data"));
            }
        }
    }
    found
}

#[tokio::test]
async fn the_stream_sends_current_presence_then_each_change_including_fades() {
    let server = TestServer::start_with(&["--clock", "manual"]).await;
    let secret = server.secret();
    let writer = app_token(&secret, "default", APP, &["Presence.ReadWrite.All"]);
    let response = reqwest::Client::new()
        .get(server.url(&format!("/v1.0/events/presence?ids={USER},{OTHER}")))
        .bearer_auth(&writer)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let initial = next_presences(&mut stream, &mut buffer, 2).await;
    assert!(
        initial.iter().all(|p| p["availability"] == "Offline"),
        "{initial:?}"
    );

    let set = reqwest::Client::new()
        .post(server.url(&format!("/v1.0/users/{USER}/presence/setPresence")))
        .bearer_auth(&writer)
        .json(&json!({"availability": "Available", "activity": "Available", "expirationDuration": "PT1H"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(set.status(), 200);
    let changed = next_presences(&mut stream, &mut buffer, 1).await;
    assert_eq!(
        (
            changed[0]["id"].as_str(),
            changed[0]["availability"].as_str()
        ),
        (Some(USER), Some("Available"))
    );

    server.advance_clock("PT5M").await;
    let faded = next_presences(&mut stream, &mut buffer, 1).await;
    assert_eq!(
        faded[0]["availability"], "AvailableIdle",
        "time alone reaches the stream"
    );
}

#[tokio::test]
async fn the_stream_needs_the_same_permission_as_reading() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let own_only = user_token(&secret, "default", APP, USER, &["Presence.Read"]);
    let status = |ids: String, token: String| {
        let url = server.url(&format!("/v1.0/events/presence?ids={ids}"));
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("answers")
                .status()
                .as_u16()
        }
    };
    assert_eq!(status(USER.to_owned(), own_only.clone()).await, 200);
    assert_eq!(status(format!("{USER},{OTHER}"), own_only).await, 403);
    let unauthenticated = reqwest::get(server.url(&format!("/v1.0/events/presence?ids={USER}")))
        .await
        .expect("answers");
    assert_eq!(unauthenticated.status(), 401);
}
