//! Item 8: a live stream lasts as long as its token (with the same leeway as requests).

use std::time::Duration;

use presence_test_support::{TestServer, token};
use tokio_stream::StreamExt;

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";

#[tokio::test]
async fn a_stream_ends_when_its_token_expires() {
    let server = TestServer::start_with(&[]).await;
    // Expired 26 s ago: still inside the 30 s leeway, so accepted, for about 4 s more.
    let expiring = token(
        &server.secret(),
        TENANT,
        APP,
        None,
        &["Presence.Read.All"],
        jiff::SignedDuration::from_secs(-26),
    );
    let response = reqwest::Client::new()
        .get(server.url(&format!("/v1.0/events/presence?ids={USER}")))
        .bearer_auth(&expiring)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => break,
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the stream closed by itself; got so far: {text}"
    );
    assert!(text.contains("event: presence"), "{text}");
    assert!(
        text.trim_end().ends_with(
            r#""message":"The access token of this stream expired; reconnect with a new one."}"#
        ) && text.contains("event: end\ndata: {\"reason\":\"tokenExpired\""),
        "a last event says why: {text}"
    );
}

#[tokio::test]
async fn the_admin_event_stream_ends_when_its_token_expires() {
    let server = TestServer::start_with(&[]).await;
    // An admin token expired 27 s ago: inside the 30 s leeway for about 3 s more.
    let expiring = token(
        &server.secret(),
        TENANT,
        APP,
        None,
        &["Presence.Admin"],
        jiff::SignedDuration::from_secs(-27),
    );
    let response = reqwest::Client::new()
        .get(server.url("/admin/events"))
        .bearer_auth(&expiring)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => break,
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the stream closed by itself; got so far: {text}"
    );
    assert!(
        text.contains("event: end\ndata: {\"reason\":\"tokenExpired\""),
        "a last event says why: {text}"
    );
}
