//! The control plane (`/admin`, issue #15), through the generated client: its base URL is
//! the server's root, and the harness gives it an admin token when the server checks them.

mod changes;
mod faults;
mod in_memory;
mod info;
mod journal;
mod reset;
mod snapshots;
mod teams_outlook;
mod tenant_users;

use presence_test_support::{TestServer, app_token, user_token};
use serde_json::{Value, json};

pub const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
pub const OTHER_TENANT: &str = "0d7a3c55-3f0b-4a57-8a70-5d7c4f1e2b9a";
pub const ALICE: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
pub const BOB: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
pub const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

/// A JWT server with quick notification scans.
pub async fn server() -> TestServer {
    TestServer::start_with(&["--notification-scan-interval", "100ms"]).await
}

/// An application token of `tenant` that may read and write presence.
pub fn writer(server: &TestServer, tenant: &str) -> String {
    app_token(&server.secret(), tenant, APP, &["Presence.ReadWrite.All"])
}

/// A delegated token of `tenant` that may subscribe.
pub fn subscriber(server: &TestServer, tenant: &str) -> String {
    user_token(&server.secret(), tenant, APP, BOB, &["Presence.Read.All"])
}

/// setPresence Available for `user`; panics unless 200.
pub async fn set_available(server: &TestServer, token: &str, user: &str) {
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{user}/presence/setPresence"),
            token,
            Some(json!({"sessionId": APP, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// GET presence of `user`: (availability, activity, sequenceNumber).
pub async fn presence(server: &TestServer, token: &str, user: &str) -> (String, String, String) {
    let (status, body) = server
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/users/{user}/presence"),
            token,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let text = |key: &str| body[key].as_str().unwrap_or_default().to_owned();
    (
        text("availability"),
        text("activity"),
        text("sequenceNumber"),
    )
}

/// Creates a subscription to `users` for `receiver_url`; returns its id.
pub async fn subscribe(
    server: &TestServer,
    token: &str,
    receiver_url: &str,
    users: &[&str],
) -> String {
    let ids: Vec<String> = users.iter().map(|u| format!("'{u}'")).collect();
    let resource = format!(
        "/communications/presences?$filter=id in ({})",
        ids.join(",")
    );
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(50);
    let (status, body): (u16, Value) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/subscriptions",
            token,
            Some(json!({
                "changeType": "updated",
                "notificationUrl": receiver_url,
                "resource": resource,
                "expirationDateTime": expires.to_string(),
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().expect("an id").to_owned()
}
