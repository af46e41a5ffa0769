//! Items 4, 6, 7 and 9: tokens without an application, token material in answers, the admin
//! role, and protocol details (405 `Allow`, query errors).

use presence_test_support::{TestServer, app_token};
use serde_json::{Value, json};

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";

/// An application token with these claims as given (no `appid` unless in `claims`).
fn signed(secret: &str, claims: Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).expect("a key");
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).expect("signed")
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[tokio::test]
async fn a_token_without_an_application_id_is_refused() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let base = json!({
        "tid": TENANT, "roles": ["Presence.ReadWrite.All"], "exp": now() + 600, "nbf": now()
    });
    let mut empty = base.clone();
    empty["appid"] = json!("  ");
    let mut empty_azp = base.clone();
    empty_azp["azp"] = json!("");
    let set = format!("/v1.0/users/{USER}/presence/setPresence");
    for claims in [base, empty, empty_azp] {
        let token = signed(&secret, claims.clone());
        let response = reqwest::Client::new()
            .post(server.url(&set))
            .bearer_auth(&token)
            .json(&json!({"sessionId": APP, "availability": "Busy", "activity": "InACall"}))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 401, "{claims}");
        let body: Value = response.json().await.expect("the envelope");
        assert_eq!(
            body["error"]["code"], "InvalidAuthenticationToken",
            "{claims}"
        );
    }
}

#[tokio::test]
async fn token_material_is_never_echoed_and_never_makes_a_500() {
    let server = TestServer::start_with(&[]).await;
    let long_kid = "k".repeat(10_000);
    let header = base64_url(&format!(r#"{{"alg":"RS256","kid":"{long_kid}"}}"#));
    let tokens = [
        // The probe's token: a NUL in the kid.
        "eyJhbGciOiJSUzI1NiIsImtpZCI6Ilx1MDAwMCJ9.e30.AAAA".to_owned(),
        format!("{header}.e30.AAAA"),
        format!(
            "{}.e30.AAAA",
            base64_url(r#"{"alg":"RS256","kid":"a\"b\\c\r\nX-Evil: 1"}"#)
        ),
    ];
    for token in tokens {
        let response = reqwest::Client::new()
            .get(server.url(&format!("/v1.0/users/{USER}/presence")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 401);
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .expect("a challenge")
            .to_owned();
        assert!(challenge.len() < 400, "{challenge}");
        assert!(
            !challenge.contains("kkkk") && !challenge.contains("X-Evil"),
            "{challenge}"
        );
        assert!(response.headers().get("x-evil").is_none());
        let body: Value = response.json().await.expect("the JSON envelope");
        let message = body["error"]["message"].as_str().expect("a message");
        assert!(
            message.len() < 400 && !message.contains("kkkk"),
            "{message}"
        );
    }
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

#[tokio::test]
async fn the_admin_api_needs_the_admin_role_when_auth_is_on() {
    let server = TestServer::start_with(&["--clock", "manual"]).await;
    let before = server.clock_now().await;
    let advance = |token: Option<String>| {
        let mut request = reqwest::Client::new()
            .post(server.url("/admin/clock/advance"))
            .json(&json!({"by": "PT1H"}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.expect("answers") }
    };
    let anonymous = advance(None).await;
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.expect("the envelope");
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    let writer = app_token(&server.secret(), TENANT, APP, &["Presence.ReadWrite.All"]);
    assert_eq!(advance(Some(writer)).await.status(), 403);
    assert_eq!(server.clock_now().await, before, "nobody moved time");
    assert_eq!(advance(server.admin_token()).await.status(), 200);
    assert_eq!(
        server.clock_now().await,
        before + jiff::SignedDuration::from_hours(1)
    );
}

#[tokio::test]
async fn with_auth_none_the_admin_api_stays_open() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let response = reqwest::Client::new()
        .post(server.url("/admin/clock/advance"))
        .json(&json!({"by": "PT1M"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn every_405_says_which_methods_are_allowed() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let cases = [
        (
            reqwest::Method::DELETE,
            format!("/v1.0/users/{USER}/presence"),
            "GET",
        ),
        (
            reqwest::Method::GET,
            format!("/beta/users/{USER}/presence/setPresence"),
            "POST",
        ),
        (
            reqwest::Method::PUT,
            "/v1.0/subscriptions".to_owned(),
            "POST, GET",
        ),
        (
            reqwest::Method::POST,
            "/v1.0/subscriptions/x".to_owned(),
            "GET, PATCH, DELETE",
        ),
        (reqwest::Method::POST, "/livez".to_owned(), "GET"),
        (
            reqwest::Method::GET,
            "/admin/clock/advance".to_owned(),
            "POST",
        ),
    ];
    for (method, path, allowed) in cases {
        let response = reqwest::Client::new()
            .request(method.clone(), server.url(&path))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(
            response
                .headers()
                .get("allow")
                .and_then(|v| v.to_str().ok()),
            Some(allowed),
            "{method} {path}"
        );
        let body: Value = response.json().await.expect("the envelope");
        assert_eq!(body["error"]["code"], "MethodNotAllowed");
    }
}

#[tokio::test]
async fn a_bad_event_stream_query_is_a_400_in_the_envelope() {
    let server = TestServer::start().await;
    for query in ["", "?ids=a&ids=b", "?other=1"] {
        let response = reqwest::get(server.url(&format!("/v1.0/events/presence{query}")))
            .await
            .expect("answers");
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.expect("JSON, not text/plain");
        assert_eq!(body["error"]["code"], "BadRequest", "{query}");
    }
}

#[tokio::test]
async fn the_served_document_declares_bearer_security_only_when_tokens_are_checked() {
    let open = TestServer::start().await;
    let document: Value = reqwest::get(open.url("/openapi.json"))
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert!(
        document.get("security").is_none(),
        "--auth none needs no token"
    );
    assert!(document["components"].get("securitySchemes").is_none());
    let checked = TestServer::start_with(&[]).await;
    let document: Value = reqwest::get(checked.url("/openapi.json"))
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(document["security"], json!([{"bearer": []}]));
}
