//! setStatusMessage through the generated client.

use presence_client::types::{
    BodyType, DateTimeTimeZone, ItemBody, PresenceStatusMessage, SetStatusMessageRequest,
};
use serde_json::{Value, json};

use presence_test_support::{TestServer, USER, get_presence};

fn message(content: &str, expiry: Option<(&str, &str)>) -> SetStatusMessageRequest {
    SetStatusMessageRequest {
        status_message: Some(PresenceStatusMessage {
            message: Some(ItemBody {
                content: Some(content.to_owned()),
                content_type: Some(BodyType::Text),
            }),
            expiry_date_time: expiry.map(|(date_time, zone)| DateTimeTimeZone {
                date_time: date_time.to_owned(),
                time_zone: Some(zone.to_owned()),
            }),
            published_date_time: None,
        }),
    }
}

#[tokio::test]
async fn set_read_expire_and_clear_a_status_message() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let client = server.client();
    let now = server.clock_now().await;
    // One hour from now, written as Los Angeles wall-clock time with a Windows zone name.
    let expiry = (now + jiff::SignedDuration::from_hours(1))
        .to_zoned_datetime(jiff::tz::TimeZone::get("America/Los_Angeles").expect("zone"))
        .datetime()
        .to_string();
    let sent = client
        .set_status_message()
        .id(USER)
        .body(message(
            "Hey I'm currently in a meeting.",
            Some((&expiry, "Pacific Standard Time")),
        ))
        .send()
        .await
        .expect("setStatusMessage");
    assert_eq!(sent.status(), 200);

    let presence = get_presence(&client, USER).await;
    let status = presence.status_message.expect("a status message");
    assert_eq!(
        status.message.and_then(|m| m.content).as_deref(),
        Some("Hey I'm currently in a meeting.")
    );
    let expiry = status.expiry_date_time.expect("the owner sees the expiry");
    assert_eq!(expiry.time_zone.as_deref(), Some("UTC"));
    let expires_at: jiff::Timestamp = format!("{}Z", expiry.date_time).parse().expect("UTC date");
    assert_eq!(
        expires_at.duration_since(now),
        jiff::SignedDuration::from_hours(1)
    );
    let published: jiff::Timestamp = status
        .published_date_time
        .expect("the owner sees when it was published")
        .parse()
        .expect("RFC 3339");
    assert_eq!(published, now);

    server.advance_clock("PT1H").await;
    let expired = get_presence(&client, USER).await;
    assert_eq!(expired.status_message, None);

    client
        .set_status_message()
        .id(USER)
        .body(message("back", None))
        .send()
        .await
        .expect("set");
    client
        .set_status_message()
        .id(USER)
        .body(SetStatusMessageRequest::default())
        .send()
        .await
        .expect("clear");
    let cleared: Value = reqwest::get(server.url(&format!("/v1.0/users/{USER}/presence")))
        .await
        .expect("get")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        cleared["statusMessage"],
        Value::Null,
        "Graph writes null: {cleared}"
    );
}

#[tokio::test]
async fn invalid_status_messages_are_refused_with_their_property() {
    let server = TestServer::start().await;
    let url = server.url(&format!("/v1.0/users/{USER}/presence/setStatusMessage"));
    let http = reqwest::Client::new();
    let cases = [
        (
            json!({"statusMessage": {"message": {"content": "x".repeat(281), "contentType": "text"}}}),
            "content",
        ),
        (
            json!({"statusMessage": {"message": {"content": "<b>x</b>", "contentType": "html"}}}),
            "contentType",
        ),
        (
            json!({"statusMessage": {"message": {"content": "x"}, "expiryDateTime": {"dateTime": "2099-01-01T00:00:00", "timeZone": "Nowhere/Land"}}}),
            "timeZone",
        ),
        (
            json!({"statusMessage": {"message": {"content": "x"}, "expiryDateTime": {"dateTime": "2000-01-01T00:00:00", "timeZone": "UTC"}}}),
            "expiryDateTime",
        ),
    ];
    for (body, target) in cases {
        let response = http.post(&url).json(&body).send().await.expect("answers");
        assert_eq!(response.status(), 400, "{body}");
        let envelope: Value = response.json().await.expect("JSON");
        assert_eq!(envelope["error"]["code"], "InvalidArgument", "{envelope}");
        assert_eq!(envelope["error"]["target"], target, "{envelope}");
    }
    // U+0000 is refused on both backends alike (PostgreSQL cannot store it: it was a 500).
    let nul = json!({"statusMessage": {"message": {"content": "a\u{0}b", "contentType": "text"}}});
    let response = http.post(&url).json(&nul).send().await.expect("answers");
    assert_eq!(response.status(), 400);
    let envelope: Value = response.json().await.expect("JSON");
    assert_eq!(envelope["error"]["code"], "BadRequest", "{envelope}");
    assert!(
        envelope["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("U+0000") && m.contains("'content'")),
        "{envelope}"
    );
    // Lower-case "text", as the Python SDK sends it, is accepted.
    let ok = http
        .post(&url)
        .json(&json!({"statusMessage": {"message": {"content": "hi", "contentType": "text"}}}))
        .send()
        .await
        .expect("answers");
    assert_eq!(ok.status(), 200);
}
