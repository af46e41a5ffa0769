//! Item 1: a client that never finishes its body, or a tenant that floods, cannot take the
//! instance down.

use std::time::{Duration, Instant};

use presence_test_support::{TestServer, app_token, user_token};
use serde_json::Value;

use super::raw::partial_post;

const TENANT_A: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const TENANT_B: &str = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const TENANT_C: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const OTHER_APP: &str = "8c5e2ed4-3ab1-4e1e-9a0a-3f4a1a5b6c7d";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const BULK: &str = "/v1.0/communications/getPresencesByUserId";

fn writer(server: &TestServer, tenant: &str) -> String {
    app_token(&server.secret(), tenant, APP, &["Presence.ReadWrite.All"])
}

async fn get_status(server: &TestServer, path: &str, token: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new().get(server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("answers").status().as_u16()
}

#[tokio::test]
async fn a_caller_without_the_permission_is_refused_before_its_body_arrives() {
    let server = TestServer::start_with(&["--body-timeout", "60s"]).await;
    let secret = server.secret();
    let no_roles = app_token(&secret, TENANT_A, APP, &[]);
    let app_only = app_token(&secret, TENANT_A, APP, &["Presence.Read.All"]);
    let cases = [
        (BULK, no_roles.clone()),
        ("/v1.0/subscriptions", app_only),
        (
            &*format!("/v1.0/users/{USER}/presence/setPresence"),
            no_roles.clone(),
        ),
        ("/v1.0/me/presence/setStatusMessage", no_roles),
    ];
    for (path, token) in cases {
        let mut partial = partial_post(&server.origin, path, Some(&token), "{", 1000).await;
        let answer = partial
            .answer(Duration::from_secs(3))
            .await
            .unwrap_or_else(|| panic!("{path}: answered before the body, not after it"));
        assert!([400, 403].contains(&answer.status), "{path}: {answer:?}");
        let body: Value = serde_json::from_str(&answer.body).expect("the envelope");
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_a_408_and_the_connection_is_closed() {
    let server = TestServer::start_with(&["--body-timeout", "1s"]).await;
    let token = writer(&server, TENANT_A);
    let started = Instant::now();
    let mut partial = partial_post(
        &server.origin,
        &format!("/v1.0/users/{USER}/presence/setPresence"),
        Some(&token),
        "{\"sessionId\":",
        1000,
    )
    .await;
    let answer = partial
        .answer(Duration::from_secs(5))
        .await
        .expect("an answer after the body deadline");
    assert_eq!(answer.status, 408, "{answer:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "not before the deadline"
    );
    let body: Value = serde_json::from_str(&answer.body).expect("the envelope");
    assert_eq!(body["error"]["code"], "requestTimeout");
    assert!(body["error"]["innerError"]["request-id"].is_string());
    assert!(answer.closed, "the connection is closed after a 408");
    // The bulk read too (it reads its body after the permission check).
    let mut partial = partial_post(&server.origin, BULK, Some(&token), "{\"ids\":[", 1000).await;
    let answer = partial
        .answer(Duration::from_secs(5))
        .await
        .expect("answers");
    assert_eq!(answer.status, 408, "{answer:?}");
}

#[tokio::test]
async fn an_abandoned_request_gives_its_slot_back_at_once() {
    let server = TestServer::start_with(&["--max-in-flight", "2", "--body-timeout", "60s"]).await;
    let (a, b, c) = (
        writer(&server, TENANT_A),
        writer(&server, TENANT_B),
        writer(&server, TENANT_C),
    );
    let path = format!("/v1.0/users/{USER}/presence/setPresence");
    let first = partial_post(&server.origin, &path, Some(&a), "{", 1000).await;
    let second = partial_post(&server.origin, &path, Some(&b), "{", 1000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let presence = format!("/v1.0/users/{USER}/presence");
    assert_eq!(
        get_status(&server, &presence, Some(&c)).await,
        503,
        "both slots are held"
    );
    drop((first, second));
    let mut status = 0;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = get_status(&server, &presence, Some(&c)).await;
        if status == 200 {
            break;
        }
    }
    assert_eq!(
        status, 200,
        "slots are released within a second of the clients leaving"
    );
}

#[tokio::test]
async fn health_checks_are_never_shed() {
    let server = TestServer::start_with(&["--max-in-flight", "2", "--body-timeout", "60s"]).await;
    let (a, b, c) = (
        writer(&server, TENANT_A),
        writer(&server, TENANT_B),
        writer(&server, TENANT_C),
    );
    let path = format!("/v1.0/users/{USER}/presence/setPresence");
    let _held = (
        partial_post(&server.origin, &path, Some(&a), "{", 1000).await,
        partial_post(&server.origin, &path, Some(&b), "{", 1000).await,
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let presence = format!("/v1.0/users/{USER}/presence");
    assert_eq!(
        get_status(&server, &presence, Some(&c)).await,
        503,
        "the instance is full"
    );
    assert_eq!(get_status(&server, "/livez", None).await, 200);
    assert_eq!(get_status(&server, "/healthz", None).await, 200);
}

#[tokio::test]
async fn a_flood_from_one_tenant_leaves_room_for_another() {
    // 8 slots: one tenant (or one application) holds at most 2.
    let server = TestServer::start_with(&["--max-in-flight", "8", "--body-timeout", "60s"]).await;
    let secret = server.secret();
    let flooder = writer(&server, TENANT_A);
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(partial_post(&server.origin, BULK, Some(&flooder), "{", 1000).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let presence = format!("/v1.0/users/{USER}/presence");
    assert_eq!(
        get_status(&server, &presence, Some(&flooder)).await,
        503,
        "tenant A is at its share"
    );
    let other_tenant = app_token(&secret, TENANT_B, OTHER_APP, &["Presence.Read.All"]);
    for _ in 0..5 {
        assert_eq!(
            get_status(&server, &presence, Some(&other_tenant)).await,
            200,
            "tenant B still gets through"
        );
    }
    // The same application in another tenant is held to the application's share.
    let same_app = writer(&server, TENANT_C);
    assert_eq!(get_status(&server, &presence, Some(&same_app)).await, 503);
    // A delegated user of tenant B, too, gets through.
    let user = user_token(&secret, TENANT_B, OTHER_APP, USER, &["Presence.Read"]);
    assert_eq!(
        get_status(&server, "/v1.0/me/presence", Some(&user)).await,
        200
    );
    drop(held);
}
