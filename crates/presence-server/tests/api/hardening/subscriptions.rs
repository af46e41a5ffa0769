//! Item 3: a subscription belongs to its tenant, application and creating user.

use presence_test_support::{TestServer, WebhookReceiver, app_token, user_token};
use serde_json::{Value, json};

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const OWNER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
const INTRUDER: &str = "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a";

async fn call(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    server.call(method, path, token, body).await
}

fn ids(list: &Value) -> Vec<String> {
    list["value"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|s| s["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn another_user_of_the_same_app_can_neither_see_nor_change_nor_delete_it() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let owner = user_token(&secret, TENANT, APP, OWNER, &["Presence.Read.All"]);
    let intruder = user_token(&secret, TENANT, APP, INTRUDER, &["Presence.Read.All"]);
    let (receiver, theirs) = (
        WebhookReceiver::start().await,
        WebhookReceiver::start().await,
    );
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(50);
    let (status, created) = call(
        &server,
        reqwest::Method::POST,
        "/v1.0/subscriptions",
        &owner,
        Some(json!({
            "changeType": "updated",
            "notificationUrl": receiver.url,
            "resource": format!("/communications/presences/{USER}"),
            "expirationDateTime": expires.to_string(),
            "clientState": "owner-secret",
        })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("an id").to_owned();
    let path = format!("/v1.0/subscriptions/{id}");

    let (status, body) = call(&server, reqwest::Method::GET, &path, &intruder, None).await;
    assert_eq!(status, 404, "{body}");
    assert!(!body.to_string().contains("owner-secret"));
    let (status, _) = call(
        &server,
        reqwest::Method::PATCH,
        &path,
        &intruder,
        Some(json!({"notificationUrl": theirs.url})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(&server, reqwest::Method::DELETE, &path, &intruder, None).await;
    assert_eq!(status, 404);
    let (status, list) = call(
        &server,
        reqwest::Method::GET,
        "/v1.0/subscriptions",
        &intruder,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(ids(&list).is_empty(), "{list}");

    // The owner still has it, unchanged.
    let (status, mine) = call(&server, reqwest::Method::GET, &path, &owner, None).await;
    assert_eq!(status, 200);
    assert_eq!(mine["notificationUrl"], receiver.url.as_str());
    assert_eq!(mine["clientState"], "owner-secret");
    let (_, list) = call(
        &server,
        reqwest::Method::GET,
        "/v1.0/subscriptions",
        &owner,
        None,
    )
    .await;
    assert_eq!(ids(&list), vec![id.clone()]);

    // The application itself (application permission) lists every subscription of the app.
    let app = app_token(&secret, TENANT, APP, &["Presence.Read.All"]);
    let (status, list) = call(
        &server,
        reqwest::Method::GET,
        "/v1.0/subscriptions",
        &app,
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(ids(&list), vec![id.clone()]);
    // Another application of the tenant does not.
    let other = app_token(
        &secret,
        TENANT,
        "8c5e2ed4-3ab1-4e1e-9a0a-3f4a1a5b6c7d",
        &["Presence.Read.All"],
    );
    let (_, list) = call(
        &server,
        reqwest::Method::GET,
        "/v1.0/subscriptions",
        &other,
        None,
    )
    .await;
    assert!(ids(&list).is_empty(), "{list}");
    assert_eq!(
        theirs.validations(),
        0,
        "the intruder's receiver was never validated"
    );
}
