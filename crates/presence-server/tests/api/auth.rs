//! Identity, permissions and tenants, against a server with its default (JWT) settings.

use presence_test_support::{TestServer, app_token, token, user_token};
use serde_json::{Value, json};

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const OTHER_TENANT: &str = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const ME: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const SOMEONE: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

/// What a request is expected to get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Past authentication and authorization (2xx, or 404 for clearing a missing session).
    Allowed,
    /// 400 (`/me` with an application token).
    BadRequest,
    Unauthorized,
    Forbidden,
}

/// Every operation, on user `ME` (or `/me`).
fn operations() -> Vec<(&'static str, &'static str, String, Option<Value>)> {
    let user = |action: &str| format!("/v1.0/users/{ME}/presence/{action}");
    vec![
        ("get", "GET", format!("/v1.0/users/{ME}/presence"), None),
        ("get /me", "GET", "/v1.0/me/presence".into(), None),
        (
            "batch",
            "POST",
            "/v1.0/communications/getPresencesByUserId".into(),
            Some(json!({"ids": [ME]})),
        ),
        (
            "setPresence",
            "POST",
            user("setPresence"),
            Some(json!({"availability": "Busy", "activity": "InACall"})),
        ),
        (
            "clearPresence",
            "POST",
            user("clearPresence"),
            Some(json!({})),
        ),
        (
            "setUserPreferredPresence",
            "POST",
            user("setUserPreferredPresence"),
            Some(json!({"availability": "Away", "activity": "Away"})),
        ),
        (
            "clearUserPreferredPresence",
            "POST",
            user("clearUserPreferredPresence"),
            None,
        ),
        (
            "setStatusMessage",
            "POST",
            user("setStatusMessage"),
            Some(json!({"statusMessage": {"message": {"content": "hi", "contentType": "text"}}})),
        ),
        (
            "setManualLocation",
            "POST",
            user("setManualLocation"),
            Some(json!({"workLocationType": "office"})),
        ),
        ("clearLocation", "POST", user("clearLocation"), None),
    ]
}

async fn send(
    server: &TestServer,
    method: &str,
    path: &str,
    body: Option<&Value>,
    token: Option<&str>,
) -> (u16, Value, Option<String>) {
    let http = reqwest::Client::new();
    let url = server.url(path);
    let mut request = match method {
        "GET" => http.get(url),
        _ => http.post(url),
    };
    if let Some(body) = body {
        request = request.json(body);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body, challenge)
}

fn outcome_of(operation: &str, status: u16, body: &Value) -> Outcome {
    match status {
        200..=299 => Outcome::Allowed,
        404 if operation == "clearPresence" && body["error"]["code"] == "NotFound" => {
            Outcome::Allowed
        }
        400 => Outcome::BadRequest,
        401 => Outcome::Unauthorized,
        403 => Outcome::Forbidden,
        other => panic!("{operation}: unexpected status {other}: {body}"),
    }
}

#[tokio::test]
async fn every_operation_against_every_kind_of_token() {
    use Outcome::*;
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let hour = jiff::SignedDuration::from_hours(1);
    let expired = {
        let request = presence_cli::token::TokenRequest {
            tenant: TENANT.into(),
            app_id: APP.into(),
            user: None,
            permissions: vec!["Presence.ReadWrite.All".into()],
            lifetime: hour,
            audience: None,
            issuer: None,
        };
        presence_cli::token::mint(
            &request,
            &secret,
            jiff::Timestamp::now() - jiff::SignedDuration::from_hours(3),
        )
        .expect("token")
    };
    let not_yet_valid = {
        let request = presence_cli::token::TokenRequest {
            tenant: TENANT.into(),
            app_id: APP.into(),
            user: None,
            permissions: vec!["Presence.ReadWrite.All".into()],
            lifetime: hour,
            audience: None,
            issuer: None,
        };
        presence_cli::token::mint(&request, &secret, jiff::Timestamp::now() + hour).expect("token")
    };
    let wrong_secret = token(
        "not-the-server-secret-at-all",
        TENANT,
        APP,
        None,
        &["Presence.ReadWrite.All"],
        hour,
    );
    let rw_all = ["Presence.ReadWrite.All"];
    let kinds: Vec<(&str, Option<String>, [Outcome; 10])> = vec![
        // get, get /me, batch, setPresence, clearPresence, setPreferred, clearPreferred, setStatusMessage, setManualLocation, clearLocation
        ("no token", None, [Unauthorized; 10]),
        ("malformed", Some("not.a.jwt".into()), [Unauthorized; 10]),
        ("expired", Some(expired), [Unauthorized; 10]),
        ("not yet valid", Some(not_yet_valid), [Unauthorized; 10]),
        ("bad signature", Some(wrong_secret), [Unauthorized; 10]),
        (
            "app ReadWrite.All",
            Some(app_token(&secret, TENANT, APP, &rw_all)),
            [
                Allowed, BadRequest, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed,
                Forbidden, Forbidden,
            ],
        ),
        (
            "app Read.All",
            Some(app_token(&secret, TENANT, APP, &["Presence.Read.All"])),
            [
                Allowed, BadRequest, Allowed, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "app without roles",
            Some(app_token(&secret, TENANT, APP, &[])),
            [
                Forbidden, BadRequest, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "delegated self ReadWrite",
            Some(user_token(
                &secret,
                TENANT,
                APP,
                ME,
                &["Presence.ReadWrite"],
            )),
            [
                Allowed, Allowed, Forbidden, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed,
                Allowed,
            ],
        ),
        (
            "delegated self Read",
            Some(user_token(&secret, TENANT, APP, ME, &["Presence.Read"])),
            [
                Allowed, Allowed, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden,
            ],
        ),
        (
            "delegated self Read.All",
            Some(user_token(&secret, TENANT, APP, ME, &["Presence.Read.All"])),
            [
                Allowed, Allowed, Allowed, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden,
            ],
        ),
        (
            "delegated other user ReadWrite",
            Some(user_token(
                &secret,
                TENANT,
                APP,
                SOMEONE,
                &["Presence.ReadWrite"],
            )),
            [
                Forbidden, Allowed, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden, Forbidden,
            ],
        ),
        (
            "delegated other user Read.All",
            Some(user_token(
                &secret,
                TENANT,
                APP,
                SOMEONE,
                &["Presence.Read.All", "Presence.ReadWrite"],
            )),
            [
                Allowed, Allowed, Allowed, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden,
            ],
        ),
        (
            "other tenant app",
            Some(app_token(&secret, OTHER_TENANT, APP, &rw_all)),
            [
                Allowed, BadRequest, Allowed, Allowed, Allowed, Allowed, Allowed, Allowed,
                Forbidden, Forbidden,
            ],
        ),
    ];
    for (kind, token, expected) in kinds {
        for ((operation, method, path, body), expected) in operations().into_iter().zip(expected) {
            let (status, envelope, challenge) =
                send(&server, method, &path, body.as_ref(), token.as_deref()).await;
            let got = outcome_of(operation, status, &envelope);
            assert_eq!(got, expected, "{kind} / {operation}: {status} {envelope}");
            match got {
                Unauthorized => {
                    assert_eq!(
                        envelope["error"]["code"], "InvalidAuthenticationToken",
                        "{kind} / {operation}"
                    );
                    let challenge = challenge.unwrap_or_default();
                    assert!(
                        challenge.starts_with("Bearer realm=\"presence\""),
                        "{kind}: {challenge}"
                    );
                    if token.is_some() {
                        assert!(
                            challenge.contains("error=\"invalid_token\""),
                            "{kind}: {challenge}"
                        );
                    }
                }
                Forbidden => assert_eq!(
                    envelope["error"]["code"], "Forbidden",
                    "{kind} / {operation}"
                ),
                BadRequest => assert!(
                    envelope["error"]["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("/me")),
                    "{envelope}"
                ),
                Allowed => {}
            }
        }
    }
}

#[tokio::test]
async fn session_id_is_the_calling_application_and_defaults_to_it() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let token = app_token(&secret, TENANT, APP, &["Presence.ReadWrite.All"]);
    let set = |body: Value| {
        let server = &server;
        let token = token.clone();
        async move {
            send(
                server,
                "POST",
                &format!("/v1.0/users/{ME}/presence/setPresence"),
                Some(&body),
                Some(&token),
            )
            .await
        }
    };
    let (status, _, _) = set(json!({"availability": "Busy", "activity": "InACall"})).await;
    assert_eq!(status, 200, "sessionId defaults to the token's appid");
    let (status, _, _) = set(
        json!({"sessionId": APP.to_uppercase(), "availability": "Busy", "activity": "InACall"}),
    )
    .await;
    assert_eq!(status, 200, "the app's own id, in any case");
    let (status, envelope, _) =
        set(json!({"sessionId": "someone-else", "availability": "Busy", "activity": "InACall"}))
            .await;
    assert_eq!(status, 403, "{envelope}");
    assert_eq!(envelope["error"]["target"], "sessionId");

    // The session defaulted to the app id is the one clearPresence with that id removes.
    let (status, _, _) = send(
        &server,
        "POST",
        &format!("/v1.0/users/{ME}/presence/clearPresence"),
        Some(&json!({"sessionId": APP})),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn tenants_never_see_each_other() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let ours = app_token(&secret, TENANT, APP, &["Presence.ReadWrite.All"]);
    let theirs = app_token(&secret, OTHER_TENANT, APP, &["Presence.ReadWrite.All"]);
    let (status, _, _) = send(
        &server,
        "POST",
        &format!("/v1.0/users/{ME}/presence/setPresence"),
        Some(&json!({"availability": "DoNotDisturb", "activity": "Presenting"})),
        Some(&ours),
    )
    .await;
    assert_eq!(status, 200);

    let (_, presence, _) = send(
        &server,
        "GET",
        &format!("/v1.0/users/{ME}/presence"),
        None,
        Some(&theirs),
    )
    .await;
    assert_eq!(presence["availability"], "Offline", "{presence}");
    let (_, batch, _) = send(
        &server,
        "POST",
        "/v1.0/communications/getPresencesByUserId",
        Some(&json!({"ids": [ME]})),
        Some(&theirs),
    )
    .await;
    assert_eq!(batch["value"][0]["availability"], "Offline", "{batch}");
    let (status, _, _) = send(
        &server,
        "POST",
        &format!("/v1.0/users/{ME}/presence/clearPresence"),
        Some(&json!({})),
        Some(&theirs),
    )
    .await;
    assert_eq!(
        status, 404,
        "another tenant cannot clear (or detect) our session"
    );

    let (_, presence, _) = send(
        &server,
        "GET",
        &format!("/v1.0/users/{ME}/presence"),
        None,
        Some(&ours),
    )
    .await;
    assert_eq!(presence["availability"], "DoNotDisturb", "{presence}");
}

#[tokio::test]
async fn status_message_times_are_for_the_owner_only() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let me = user_token(
        &secret,
        TENANT,
        APP,
        ME,
        &["Presence.ReadWrite", "Presence.Read.All"],
    );
    let colleague = user_token(&secret, TENANT, APP, SOMEONE, &["Presence.Read.All"]);
    let app = app_token(&secret, TENANT, APP, &["Presence.Read.All"]);
    let body = json!({"statusMessage": {"message": {"content": "Out for lunch", "contentType": "text"},
        "expiryDateTime": {"dateTime": "2099-01-01T12:00:00", "timeZone": "W. Europe Standard Time"}}});
    let (status, _, _) = send(
        &server,
        "POST",
        "/v1.0/me/presence/setStatusMessage",
        Some(&body),
        Some(&me),
    )
    .await;
    assert_eq!(status, 200);
    for (who, token, sees_times) in [
        ("owner", &me, true),
        ("application", &app, true),
        ("colleague", &colleague, false),
    ] {
        let (_, presence, _) = send(
            &server,
            "GET",
            &format!("/v1.0/users/{ME}/presence"),
            None,
            Some(token),
        )
        .await;
        let message = &presence["statusMessage"];
        assert_eq!(
            message["message"]["content"], "Out for lunch",
            "{who}: {presence}"
        );
        assert_eq!(
            message.get("publishedDateTime").is_some(),
            sees_times,
            "{who}: {presence}"
        );
        assert_eq!(
            message.get("expiryDateTime").is_some(),
            sees_times,
            "{who}: {presence}"
        );
    }
    let (_, mine, _) = send(&server, "GET", "/v1.0/me/presence", None, Some(&me)).await;
    assert_eq!(
        mine["statusMessage"]["expiryDateTime"]["dateTime"], "2099-01-01T11:00:00.0000000",
        "{mine}"
    );
}

#[tokio::test]
async fn issuer_and_audience_are_checked_when_configured() {
    let server = TestServer::start_with(&[
        "--audience",
        "api://presence",
        "--issuer",
        "https://issuer.test/",
    ])
    .await;
    let secret = server.secret();
    let mint = |audience: Option<&str>, issuer: Option<&str>| {
        let request = presence_cli::token::TokenRequest {
            tenant: TENANT.into(),
            app_id: APP.into(),
            user: None,
            permissions: vec!["Presence.Read.All".into()],
            lifetime: jiff::SignedDuration::from_hours(1),
            audience: audience.map(str::to_owned),
            issuer: issuer.map(str::to_owned),
        };
        presence_cli::token::mint(&request, &secret, jiff::Timestamp::now()).expect("token")
    };
    let path = format!("/v1.0/users/{ME}/presence");
    for (audience, issuer, status) in [
        (Some("api://presence"), Some("https://issuer.test/"), 200),
        (Some("api://elsewhere"), Some("https://issuer.test/"), 401),
        (None, Some("https://issuer.test/"), 401),
        (Some("api://presence"), Some("https://evil.test/"), 401),
    ] {
        let (got, body, _) = send(&server, "GET", &path, None, Some(&mint(audience, issuer))).await;
        assert_eq!(got, status, "aud {audience:?} iss {issuer:?}: {body}");
    }
}

/// Signs with a key pair generated by openssl for the test, publishes its public half as a
/// JWKS file, and checks what the server accepts.
async fn public_key_tokens_verify_against_a_jwks_file(
    algorithm: jsonwebtoken::Algorithm,
    genpkey: &[&str],
) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let key_path = dir.path().join("key.pem");
    let mut args = vec!["genpkey"];
    args.extend_from_slice(genpkey);
    args.extend(["-out", key_path.to_str().expect("utf-8 path")]);
    let output = std::process::Command::new("openssl")
        .args(&args)
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pem = std::fs::read(&key_path).expect("key");
    let signing = match algorithm {
        jsonwebtoken::Algorithm::RS256 => jsonwebtoken::EncodingKey::from_rsa_pem(&pem),
        _ => jsonwebtoken::EncodingKey::from_ec_pem(&pem),
    }
    .expect("a private key");
    let mut jwk =
        jsonwebtoken::jwk::Jwk::from_encoding_key(&signing, algorithm).expect("its public JWK");
    jwk.common.key_id = Some("test-key".into());
    let jwks = dir.path().join("jwks.json");
    std::fs::write(&jwks, json!({ "keys": [jwk] }).to_string()).expect("jwks written");
    let server = TestServer::start_with(&["--jwks", jwks.to_str().expect("utf-8")]).await;

    let now = jiff::Timestamp::now().as_second();
    let claims = json!({"tid": TENANT, "appid": APP, "roles": ["Presence.Read.All"], "exp": now + 3600, "nbf": now});
    let sign = |kid: &str| {
        let mut header = jsonwebtoken::Header::new(algorithm);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(&header, &claims, &signing).expect("signed")
    };
    let path = format!("/v1.0/users/{ME}/presence");
    let (status, body, _) = send(&server, "GET", &path, None, Some(&sign("test-key"))).await;
    assert_eq!(status, 200, "{algorithm:?}: {body}");
    let (status, _, _) = send(&server, "GET", &path, None, Some(&sign("unknown-key"))).await;
    assert_eq!(status, 401, "{algorithm:?}: unknown kid");
    // With only a JWKS configured, HS256 tokens (even with a plausible secret) are refused.
    let hs = token(
        "a-secret-that-is-long-enough",
        TENANT,
        APP,
        None,
        &["Presence.Read.All"],
        jiff::SignedDuration::from_hours(1),
    );
    let (status, _, _) = send(&server, "GET", &path, None, Some(&hs)).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn rs256_tokens_verify_against_a_jwks_file() {
    public_key_tokens_verify_against_a_jwks_file(
        jsonwebtoken::Algorithm::RS256,
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    )
    .await;
}

#[tokio::test]
async fn es256_tokens_verify_against_a_jwks_file() {
    public_key_tokens_verify_against_a_jwks_file(
        jsonwebtoken::Algorithm::ES256,
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    )
    .await;
}
