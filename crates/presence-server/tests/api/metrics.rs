//! `GET /metrics`: Prometheus metrics of requests, group commits, deliveries and streams.

use std::time::Duration;

use presence_test_support::{TestServer, WebhookReceiver};
use serde_json::json;

const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

async fn scrape(server: &TestServer) -> String {
    let answer = server
        .http()
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
    let kind = answer.headers()["content-type"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    answer.text().await.expect("text")
}

/// The value of the sample `line` starts with (`name{labels}`), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn requests_commits_deliveries_and_streams_are_counted() {
    let server =
        TestServer::start_with(&["--auth", "none", "--notification-scan-interval", "100ms"]).await;
    let receiver = WebhookReceiver::start().await;
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/subscriptions",
            "",
            Some(json!({"changeType": "updated", "notificationUrl": receiver.url,
                        "resource": format!("communications/presences/{USER}"),
                        "expirationDateTime": (jiff::Timestamp::now() + jiff::SignedDuration::from_mins(50)).to_string()})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{USER}/presence/setPresence"),
            "",
            Some(json!({"sessionId": APP, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200);
    for _ in 0..2 {
        server
            .call(
                reqwest::Method::GET,
                &format!("/v1.0/users/{USER}/presence"),
                "",
                None,
            )
            .await;
    }
    server
        .call(reqwest::Method::GET, "/v1.0/nowhere", "", None)
        .await;
    server
        .call(reqwest::Method::GET, "/admin/info", "", None)
        .await;
    assert_eq!(receiver.wait_for(1, Duration::from_secs(10)).await.len(), 1);

    // A live stream, open while scraped.
    let stream = server
        .http()
        .get(server.url(&format!("/v1.0/events/presence?ids={USER}")))
        .send()
        .await
        .expect("a stream");
    assert_eq!(stream.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;

    let text = scrape(&server).await;
    let requests = |operation: &str, status: u16| {
        sample(
            &text,
            &format!(
                "presence_http_requests_total{{operation=\"{operation}\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(requests("set_presence", 200), Some(1.0), "{text}");
    assert_eq!(requests("get_presence", 200), Some(2.0), "{text}");
    assert_eq!(requests("unknown", 404), Some(1.0), "{text}");
    assert!(
        !text.contains("admin_info"),
        "the control plane is not counted"
    );
    assert!(
        sample(
            &text,
            "presence_http_request_duration_seconds_count{operation=\"get_presence\"}"
        ) == Some(2.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            "presence_notification_deliveries_total{outcome=\"delivered\"}"
        ) >= Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "presence_event_streams_open"),
        Some(1.0),
        "{text}"
    );
    if presence_test_support::backend() == presence_test_support::Backend::Sqlite {
        assert!(
            sample(&text, "presence_store_write_batch_size_count") >= Some(2.0),
            "{text}"
        );
        assert!(
            text.contains("presence_store_commit_duration_seconds_bucket"),
            "{text}"
        );
        // Each acknowledged write waited for an fsync of the WAL (the server is on a file).
        assert!(
            sample(&text, "presence_store_wal_sync_duration_seconds_count") >= Some(1.0),
            "{text}"
        );
    }
    assert!(text.trim_end().ends_with("# EOF"));

    // A closed client is noticed when the stream writes to it (the first write after the
    // close may still be accepted by the socket): change the user until it is.
    drop(stream);
    let mut open = Some(1.0);
    for round in 0..40 {
        let (availability, activity) = if round % 2 == 0 {
            ("Available", "Available")
        } else {
            ("Busy", "InACall")
        };
        server
            .call(
                reqwest::Method::POST,
                &format!("/v1.0/users/{USER}/presence/setPresence"),
                "",
                Some(json!({"sessionId": APP, "availability": availability, "activity": activity, "expirationDuration": "PT1H"})),
            )
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        open = sample(&scrape(&server).await, "presence_event_streams_open");
        if open == Some(0.0) {
            break;
        }
    }
    assert_eq!(open, Some(0.0), "a closed stream is no longer counted");
}

#[tokio::test]
async fn metrics_can_be_turned_off() {
    let server = TestServer::start_with(&["--auth", "none", "--metrics", "false"]).await;
    let (status, body) = server
        .call(reqwest::Method::GET, "/metrics", "", None)
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "NotFound");
}
