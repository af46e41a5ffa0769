//! Bad input: always a 4xx with the Graph envelope and the correlation ids, never a 500.

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use presence_test_support::{TestServer, USER};

/// Sends `body` with `content_type` to setPresence; returns status and parsed envelope.
async fn post_raw(
    server: &TestServer,
    action: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(server.url(&format!("/v1.0/users/{USER}/presence/{action}")))
        .header("client-request-id", "test-correlation-1")
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    assert_eq!(
        response
            .headers()
            .get("client-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("test-correlation-1"),
        "client-request-id is echoed"
    );
    let request_id = response
        .headers()
        .get("request-id")
        .and_then(|v| v.to_str().ok())
        .expect("request-id header")
        .to_owned();
    let envelope: Value = response.json().await.expect("the error body is JSON");
    let inner = &envelope["error"]["innerError"];
    assert_eq!(inner["request-id"], request_id.as_str(), "{envelope}");
    assert_eq!(
        inner["client-request-id"], "test-correlation-1",
        "{envelope}"
    );
    let date = inner["date"].as_str().expect("innerError.date");
    assert_eq!(date.len(), "2021-07-01T12:01:56".len(), "{date}");
    assert!(
        envelope["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    (status, envelope)
}

fn code(envelope: &Value) -> &str {
    envelope["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn every_bad_body_is_a_4xx_envelope_with_a_precise_code() {
    let server = TestServer::start().await;
    let json_ct = Some("application/json");
    let valid = json!({"sessionId": "app", "availability": "Available", "activity": "Available"});
    let with = |key: &str, value: Value| {
        let mut body = valid.clone();
        body[key] = value;
        body.to_string()
    };
    let without = |key: &str| {
        let mut body = valid.clone();
        body.as_object_mut().map(|o| o.remove(key));
        body.to_string()
    };
    let cases: Vec<(&str, Option<&str>, String, u16, &str)> = vec![
        (
            "malformed JSON",
            json_ct,
            "{\"sessionId\": ".into(),
            400,
            "BadRequest",
        ),
        ("empty body", json_ct, String::new(), 400, "BadRequest"),
        ("JSON array", json_ct, "[]".into(), 400, "BadRequest"),
        (
            "missing availability",
            json_ct,
            without("availability"),
            400,
            "BadRequest",
        ),
        (
            "missing activity",
            json_ct,
            without("activity"),
            400,
            "BadRequest",
        ),
        (
            "availability of wrong type",
            json_ct,
            with("availability", json!(3)),
            400,
            "BadRequest",
        ),
        (
            "unknown availability",
            json_ct,
            with("availability", json!("Sleepy")),
            400,
            "InvalidArgument",
        ),
        (
            "unknown activity",
            json_ct,
            with("activity", json!("Napping")),
            400,
            "InvalidArgument",
        ),
        (
            "unsupported pair",
            json_ct,
            with("activity", json!("InACall")),
            400,
            "InvalidArgument",
        ),
        (
            "duration too short",
            json_ct,
            with("expirationDuration", json!("PT4M")),
            400,
            "InvalidArgument",
        ),
        (
            "duration too long",
            json_ct,
            with("expirationDuration", json!("PT4H1S")),
            400,
            "InvalidArgument",
        ),
        (
            "duration unparsable",
            json_ct,
            with("expirationDuration", json!("soon")),
            400,
            "InvalidArgument",
        ),
        (
            "empty sessionId",
            json_ct,
            with("sessionId", json!("  ")),
            400,
            "BadRequest",
        ),
        (
            "missing sessionId",
            json_ct,
            without("sessionId"),
            400,
            "BadRequest",
        ),
        (
            "text/plain",
            Some("text/plain"),
            valid.to_string(),
            415,
            "UnsupportedMediaType",
        ),
        (
            "no Content-Type",
            None,
            valid.to_string(),
            415,
            "UnsupportedMediaType",
        ),
        (
            "form",
            Some("application/x-www-form-urlencoded"),
            "a=b".into(),
            415,
            "UnsupportedMediaType",
        ),
        (
            "oversized",
            json_ct,
            format!("{{\"sessionId\":\"{}\"}}", "x".repeat(100_000)),
            413,
            "RequestEntityTooLarge",
        ),
    ];
    for (what, content_type, body, status, expected_code) in cases {
        let (got_status, envelope) = post_raw(&server, "setPresence", content_type, body).await;
        assert_eq!(got_status, status, "{what}: {envelope}");
        assert_eq!(code(&envelope), expected_code, "{what}: {envelope}");
    }
}

#[tokio::test]
async fn error_messages_name_the_field_value_and_what_is_allowed() {
    let server = TestServer::start().await;
    let body = json!({"sessionId": "app", "availability": "Busy", "activity": "Busy"});
    let (_, envelope) = post_raw(
        &server,
        "setPresence",
        Some("application/json"),
        body.to_string(),
    )
    .await;
    let message = envelope["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("'Busy' with activity 'Busy'"), "{message}");
    assert!(message.contains("Busy/InACall"), "{message}");

    let body = json!({"sessionId": "app", "availability": "Available", "activity": "Available", "expirationDuration": "PT4M"});
    let (_, envelope) = post_raw(
        &server,
        "setPresence",
        Some("application/json"),
        body.to_string(),
    )
    .await;
    let message = envelope["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("The provided [ExpirationDuration] is out of range."),
        "{message}"
    );
    assert_eq!(envelope["error"]["target"], "expirationDuration");

    let (_, envelope) = post_raw(&server, "clearPresence", Some("application/json"), "{}").await;
    assert_eq!(envelope["error"]["target"], "sessionId");
}

#[tokio::test]
async fn sdk_duration_forms_are_accepted() {
    let server = TestServer::start().await;
    for duration in [
        "PT1H",
        "1:00:00",
        "0:05:00",
        "PT90M",
        "04:00:00",
        "PT5M0.000S",
    ] {
        let body = json!({
            "sessionId": "app", "availability": "Available", "activity": "Available",
            "expirationDuration": duration,
        });
        let response = reqwest::Client::new()
            .post(server.url(&format!("/v1.0/users/{USER}/presence/setPresence")))
            .json(&body)
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 200, "{duration}");
    }
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_per_application_and_tenant() {
    let server = TestServer::start_with(&["--throttle", "3"]).await;
    let secret = server.secret();
    let ours = presence_test_support::app_token(&secret, "t1", "app-a", &["Presence.Read.All"]);
    let other_app =
        presence_test_support::app_token(&secret, "t1", "app-b", &["Presence.Read.All"]);
    let get = |token: String| {
        let url = server.url(&format!("/v1.0/users/{USER}/presence"));
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("answers")
        }
    };
    for _ in 0..3 {
        assert_eq!(get(ours.clone()).await.status(), 200);
    }
    let throttled = get(ours.clone()).await;
    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = throttled
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    let envelope: Value = throttled.json().await.expect("JSON");
    assert_eq!(envelope["error"]["code"], "TooManyRequests");
    assert_eq!(
        get(other_app).await.status(),
        200,
        "another application has its own budget"
    );
}
