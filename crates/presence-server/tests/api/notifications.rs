//! Change notifications end to end, with a webhook receiver started in the test.

use std::time::Duration;

use presence_test_support::{TestServer, WebhookReceiver, app_token, user_token};
use serde_json::{Value, json};

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const WATCHER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const WAIT: Duration = Duration::from_secs(10);

struct Setup {
    server: TestServer,
    /// A delegated token that may subscribe (Presence.Read.All).
    subscriber: String,
    /// An application token that may write presence.
    writer: String,
}

async fn setup(extra: &[&str]) -> Setup {
    let mut args = vec!["--notification-scan-interval", "100ms"];
    args.extend_from_slice(extra);
    let server = TestServer::start_with(&args).await;
    let secret = server.secret();
    Setup {
        subscriber: user_token(&secret, TENANT, APP, WATCHER, &["Presence.Read.All"]),
        writer: app_token(&secret, TENANT, APP, &["Presence.ReadWrite.All"]),
        server,
    }
}

async fn call(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    server.call(method, path, token, body).await
}

fn in_minutes(minutes: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_mins(minutes)).to_string()
}

async fn subscribe(setup: &Setup, receiver: &WebhookReceiver, resource: &str) -> (u16, Value) {
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(50);
    subscribe_until(setup, receiver, resource, expires).await
}

/// Subscribes `receiver` to `resource` until `expires`.
async fn subscribe_until(
    setup: &Setup,
    receiver: &WebhookReceiver,
    resource: &str,
    expires: jiff::Timestamp,
) -> (u16, Value) {
    let body = json!({
        "changeType": "updated",
        "notificationUrl": receiver.url,
        "resource": resource,
        "expirationDateTime": expires.to_string(),
        "clientState": "secret-client-state",
    });
    call(
        &setup.server,
        reqwest::Method::POST,
        "/v1.0/subscriptions",
        &setup.subscriber,
        Some(body),
    )
    .await
}

async fn set(setup: &Setup, user: &str, availability: &str, activity: &str, token: &str) {
    let (status, body) = call(
        &setup.server,
        reqwest::Method::POST,
        &format!("/v1.0/users/{user}/presence/setPresence"),
        token,
        Some(json!({"availability": availability, "activity": activity, "expirationDuration": "PT1H"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn subscription_lifecycle_with_the_validation_handshake() {
    let setup = setup(&[]).await;
    let receiver = WebhookReceiver::start().await;
    let (status, created) = subscribe(
        &setup,
        &receiver,
        &format!("communications/presences/{USER}"),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        receiver.validations(),
        1,
        "the endpoint was validated first"
    );
    let id = created["id"].as_str().expect("an id").to_owned();
    assert_eq!(created["changeType"], "updated");
    assert_eq!(created["clientState"], "secret-client-state");
    assert_eq!(created["applicationId"], APP);
    assert_eq!(created["creatorId"], WATCHER);

    let (status, listed) = call(
        &setup.server,
        reqwest::Method::GET,
        "/beta/subscriptions",
        &setup.subscriber,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed["value"][0]["id"], id.as_str());

    let renewed_to = in_minutes(59);
    let (status, renewed) = call(
        &setup.server,
        reqwest::Method::PATCH,
        &format!("/v1.0/subscriptions/{id}"),
        &setup.subscriber,
        Some(json!({"expirationDateTime": renewed_to})),
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    let renewed_at: jiff::Timestamp = renewed["expirationDateTime"]
        .as_str()
        .expect("date")
        .parse()
        .expect("RFC 3339");
    let asked: jiff::Timestamp = renewed_to.parse().expect("RFC 3339");
    assert!(
        renewed_at.duration_since(asked).abs() < jiff::SignedDuration::from_millis(2),
        "{renewed}"
    );

    let (status, body) = call(
        &setup.server,
        reqwest::Method::PATCH,
        &format!("/v1.0/subscriptions/{id}"),
        &setup.subscriber,
        Some(json!({"expirationDateTime": in_minutes(120)})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("InvalidArgument")),
        "more than an hour ahead"
    );

    let (status, _) = call(
        &setup.server,
        reqwest::Method::DELETE,
        &format!("/v1.0/subscriptions/{id}"),
        &setup.subscriber,
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &setup.server,
        reqwest::Method::GET,
        &format!("/v1.0/subscriptions/{id}"),
        &setup.subscriber,
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_failed_handshake_creates_nothing_and_bad_subscriptions_are_refused() {
    let setup = setup(&[]).await;
    let receiver = WebhookReceiver::start().await;
    receiver.refuse_validation();
    let (status, body) = subscribe(
        &setup,
        &receiver,
        &format!("communications/presences/{USER}"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "InvalidRequest");
    let (_, listed) = call(
        &setup.server,
        reqwest::Method::GET,
        "/v1.0/subscriptions",
        &setup.subscriber,
        None,
    )
    .await;
    assert_eq!(listed["value"], json!([]));

    let good = WebhookReceiver::start().await;
    let base = json!({"changeType": "updated", "notificationUrl": good.url, "resource": format!("communications/presences/{USER}"), "expirationDateTime": in_minutes(30)});
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    for (body, target) in [
        (with("changeType", json!("created")), "changeType"),
        (with("resource", json!("users/x/presence")), "resource"),
        (
            with("expirationDateTime", json!(in_minutes(90))),
            "expirationDateTime",
        ),
        (with("clientState", json!("c".repeat(129))), "clientState"),
        (
            with("includeResourceData", json!(true)),
            "encryptionCertificate",
        ),
    ] {
        let (status, envelope) = call(
            &setup.server,
            reqwest::Method::POST,
            "/v1.0/subscriptions",
            &setup.subscriber,
            Some(body),
        )
        .await;
        assert_eq!(status, 400, "{envelope}");
        assert_eq!(envelope["error"]["target"], target, "{envelope}");
    }
    let (status, _) = call(
        &setup.server,
        reqwest::Method::POST,
        "/v1.0/subscriptions",
        &setup.writer,
        Some(base),
    )
    .await;
    assert_eq!(
        status, 403,
        "application permissions cannot subscribe to presence"
    );
}

#[tokio::test]
async fn every_change_is_delivered_with_graphs_payload_in_order() {
    let setup = setup(&[]).await;
    let receiver = WebhookReceiver::start().await;
    let resource = format!("/communications/presences?$filter=id in ('{USER}', '{WATCHER}')");
    let (status, created) = subscribe(&setup, &receiver, &resource).await;
    assert_eq!(status, 201, "{created}");
    set(&setup, USER, "Available", "Available", &setup.writer).await;
    set(&setup, USER, "Busy", "InACall", &setup.writer).await;
    set(&setup, USER, "Busy", "InACall", &setup.writer).await; // a refresh: no visible change
    set(&setup, WATCHER, "DoNotDisturb", "Presenting", &setup.writer).await;
    let received = receiver.wait_for(3, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received = if received.len() == 3 {
        receiver.notifications()
    } else {
        received
    };
    let seen: Vec<(String, String)> = received
        .iter()
        .map(|n| {
            (
                n["resourceData"]["id"].as_str().unwrap_or("").to_owned(),
                n["resourceData"]["activity"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (USER.to_owned(), "Available".to_owned()),
            (USER.to_owned(), "InACall".to_owned()),
            (WATCHER.to_owned(), "Presenting".to_owned())
        ]
    );
    let first = &received[0];
    assert_eq!(first["subscriptionId"], created["id"]);
    assert_eq!(first["clientState"], "secret-client-state");
    assert_eq!(first["changeType"], "updated");
    assert_eq!(first["tenantId"], TENANT);
    assert_eq!(
        first["resource"],
        format!("communications/presences/{USER}")
    );
    assert_eq!(
        first["resourceData"]["@odata.type"],
        "#microsoft.graph.presence"
    );
    assert_eq!(
        first["resourceData"]["@odata.id"],
        format!("users/{USER}/presence")
    );
    assert_eq!(
        first["subscriptionExpirationDateTime"],
        created["expirationDateTime"]
    );
}

#[tokio::test]
async fn time_alone_triggers_a_notification_under_the_manual_clock() {
    let setup = setup(&["--clock", "manual"]).await;
    let receiver = WebhookReceiver::start().await;
    set(&setup, USER, "Available", "Available", &setup.writer).await;
    let expires = setup.server.clock_now().await + jiff::SignedDuration::from_mins(50);
    let (status, created) = subscribe_until(
        &setup,
        &receiver,
        &format!("communications/presences/{USER}"),
        expires,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    setup.server.advance_clock("PT5M").await;
    let received = receiver.wait_for(1, WAIT).await;
    assert_eq!(
        received.len(),
        1,
        "the idle fade is announced without any request"
    );
    assert_eq!(received[0]["resourceData"]["availability"], "AvailableIdle");
    setup.server.advance_clock("PT5M").await;
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received[1]["resourceData"]["availability"], "Away");
}

#[tokio::test]
async fn a_failed_delivery_is_retried_and_order_is_kept() {
    let setup = setup(&[]).await;
    let receiver = WebhookReceiver::start().await;
    subscribe(
        &setup,
        &receiver,
        &format!("communications/presences/{USER}"),
    )
    .await;
    receiver.answer_next_with(&[503]);
    set(&setup, USER, "Available", "Available", &setup.writer).await;
    set(&setup, USER, "Away", "Away", &setup.writer).await;
    let received = receiver.wait_for(2, WAIT).await;
    let activities: Vec<&str> = received
        .iter()
        .filter_map(|n| n["resourceData"]["activity"].as_str())
        .collect();
    assert_eq!(
        activities,
        ["Available", "Away"],
        "redelivered after the 503, still in order"
    );
}

#[tokio::test]
async fn pending_notifications_survive_a_crash_of_the_server() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let args = [
        "--notification-scan-interval",
        "100ms",
        "--jwt-secret",
        "a-test-secret-long-enough",
    ];
    let server = TestServer::start_in(dir.path(), &args).await;
    let subscriber = user_token(
        "a-test-secret-long-enough",
        TENANT,
        APP,
        WATCHER,
        &["Presence.Read.All"],
    );
    let writer = app_token(
        "a-test-secret-long-enough",
        TENANT,
        APP,
        &["Presence.ReadWrite.All"],
    );
    let receiver = WebhookReceiver::start().await;
    let setup = Setup {
        server,
        subscriber,
        writer,
    };
    subscribe(
        &setup,
        &receiver,
        &format!("communications/presences/{USER}"),
    )
    .await;
    // The receiver is down (answers 503) when the change happens…
    receiver.answer_next_with(&[503; 50]);
    set(&setup, USER, "DoNotDisturb", "Presenting", &setup.writer).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    setup.server.kill().await;
    assert!(receiver.notifications().is_empty());
    // …comes back, and the restarted server delivers what was pending.
    receiver.clear_failures();
    let restarted = TestServer::start_in(dir.path(), &args).await;
    let received = receiver.wait_for(1, Duration::from_secs(40)).await;
    assert_eq!(
        received
            .last()
            .map(|n| n["resourceData"]["activity"].clone()),
        Some(json!("Presenting"))
    );
    drop(restarted);
}

#[tokio::test]
async fn no_delivery_after_delete_and_tenants_stay_apart() {
    let setup = setup(&[]).await;
    let receiver = WebhookReceiver::start().await;
    let (_, created) = subscribe(
        &setup,
        &receiver,
        &format!("communications/presences/{USER}"),
    )
    .await;
    let other_tenant = app_token(
        &setup.server.secret(),
        "another-tenant",
        APP,
        &["Presence.ReadWrite.All"],
    );
    set(&setup, USER, "Away", "Away", &other_tenant).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        receiver.notifications().is_empty(),
        "a change in another tenant is not ours"
    );

    let id = created["id"].as_str().expect("id");
    let (status, _) = call(
        &setup.server,
        reqwest::Method::DELETE,
        &format!("/v1.0/subscriptions/{id}"),
        &setup.subscriber,
        None,
    )
    .await;
    assert_eq!(status, 204);
    set(&setup, USER, "Busy", "InACall", &setup.writer).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(receiver.notifications().is_empty(), "nothing after DELETE");
}

#[tokio::test]
async fn an_expired_subscription_stops_delivering_and_disappears() {
    let setup = setup(&["--clock", "manual"]).await;
    let receiver = WebhookReceiver::start().await;
    // Ten minutes asked, 45 given (Graph's minimum lifetime).
    let asked = setup.server.clock_now().await + jiff::SignedDuration::from_mins(10);
    let (status, created) = subscribe_until(
        &setup,
        &receiver,
        &format!("communications/presences/{USER}"),
        asked,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let given = asked + jiff::SignedDuration::from_mins(35);
    assert_eq!(
        created["expirationDateTime"]
            .as_str()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok()),
        Some(given)
    );
    setup.server.advance_clock("PT10M").await;
    set(&setup, USER, "Busy", "InACall", &setup.writer).await;
    receiver.wait_for(1, Duration::from_secs(10)).await;
    setup.server.advance_clock("PT35M").await;
    set(&setup, USER, "Available", "Available", &setup.writer).await;
    set(&setup, USER, "Busy", "InACall", &setup.writer).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        receiver.notifications().len(),
        1,
        "an expired subscription delivers nothing more"
    );
    let id = created["id"].as_str().expect("id");
    let (status, _) = call(
        &setup.server,
        reqwest::Method::GET,
        &format!("/v1.0/subscriptions/{id}"),
        &setup.subscriber,
        None,
    )
    .await;
    assert_eq!(status, 404);
}

/// Runs openssl with `args`; returns stdout.
fn openssl(args: &[&str]) -> Vec<u8> {
    let output = std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn rich_notifications_decrypt_with_the_subscribers_own_key() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let setup = setup(&[]).await;
    let receiver = WebhookReceiver::start().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_owned();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &path("key.pem"),
        "-out",
        &path("cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=presence-test",
    ]);
    let der = openssl(&["x509", "-in", &path("cert.pem"), "-outform", "DER"]);
    let body = json!({
        "changeType": "updated",
        "notificationUrl": receiver.url,
        "resource": format!("communications/presences/{USER}"),
        "expirationDateTime": in_minutes(30),
        "includeResourceData": true,
        "encryptionCertificate": b64.encode(&der),
        "encryptionCertificateId": "my-cert-1",
    });
    let (status, created) = call(
        &setup.server,
        reqwest::Method::POST,
        "/v1.0/subscriptions",
        &setup.subscriber,
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["includeResourceData"], true);
    set(&setup, USER, "Busy", "InACall", &setup.writer).await;
    let received = receiver.wait_for(1, WAIT).await;
    validate_tokens_as_graph_tells_receivers(&setup.server, &receiver.bodies()[0]).await;
    let content = &received[0]["encryptedContent"];
    assert_eq!(content["encryptionCertificateId"], "my-cert-1");
    let thumbprint = String::from_utf8(openssl(&[
        "x509",
        "-in",
        &path("cert.pem"),
        "-noout",
        "-fingerprint",
        "-sha1",
    ]))
    .expect("text");
    let thumbprint: String = thumbprint
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .replace(':', "");
    assert_eq!(
        content["encryptionCertificateThumbprint"],
        thumbprint.as_str()
    );

    // Decrypt as a Graph receiver does, with openssl: RSA-OAEP for the key, then check the
    // HMAC-SHA256 signature, then AES-256-CBC with the key's first 16 bytes as IV.
    let field = |name: &str| {
        b64.decode(content[name].as_str().expect(name))
            .expect("base64")
    };
    std::fs::write(path("key.bin"), field("dataKey")).expect("written");
    let key = openssl(&[
        "pkeyutl",
        "-decrypt",
        "-inkey",
        &path("key.pem"),
        "-pkeyopt",
        "rsa_padding_mode:oaep",
        "-in",
        &path("key.bin"),
    ]);
    assert_eq!(key.len(), 32);
    std::fs::write(path("data.bin"), field("data")).expect("written");
    let signature = openssl(&[
        "dgst",
        "-sha256",
        "-mac",
        "HMAC",
        "-macopt",
        &format!("hexkey:{}", hex(&key)),
        "-binary",
        &path("data.bin"),
    ]);
    assert_eq!(signature, field("dataSignature"), "the signature verifies");
    let plain = openssl(&[
        "enc",
        "-d",
        "-aes-256-cbc",
        "-K",
        &hex(&key),
        "-iv",
        &hex(&key[..16]),
        "-in",
        &path("data.bin"),
    ]);
    let data: Value = serde_json::from_slice(&plain).expect("the decrypted data is JSON");
    assert_eq!(data["@odata.type"], "#microsoft.graph.presence");
    assert_eq!(data["id"], USER);
    assert_eq!(
        (data["availability"].as_str(), data["activity"].as_str()),
        (Some("Busy"), Some("InACall"))
    );
}

/// Graph's receiver checks (change-notifications-with-resource-data, "Validating the
/// authenticity of notifications"): each token's signature against the issuer's published
/// keys, `aud` the app's id, `appid` Graph's publisher, the issuer, not expired.
async fn validate_tokens_as_graph_tells_receivers(server: &TestServer, body: &Value) {
    let tokens = body["validationTokens"]
        .as_array()
        .expect("validationTokens");
    assert_eq!(tokens.len(), 1, "one per (application, tenant): {body}");
    let jwks: Value = reqwest::get(server.url("/common/discovery/v2.0/keys"))
        .await
        .expect("the JWKS answers")
        .json()
        .await
        .expect("JSON");
    for token in tokens {
        let token = token.as_str().expect("a string");
        let header = jsonwebtoken::decode_header(token).expect("a JWT");
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
        let kid = header.kid.expect("a kid");
        let key = jwks["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .find(|k| k["kid"] == kid.as_str())
            .expect("the kid is published");
        let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
            key["n"].as_str().expect("n"),
            key["e"].as_str().expect("e"),
        )
        .expect("an RSA key");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_audience(&[APP]);
        validation.set_issuer(&[format!("https://sts.windows.net/{TENANT}/")]);
        let claims = jsonwebtoken::decode::<Value>(token, &decoding, &validation)
            .expect("the token verifies")
            .claims;
        assert_eq!(claims["appid"], "0bf30f3b-4a52-48df-9a82-234910c4a086");
        assert_eq!(claims["tid"], TENANT);
        // Claims changed after signing no longer verify.
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged_claims = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            serde_json::to_vec(&json!({"aud": APP, "appid": claims["appid"], "exp": claims["exp"], "iss": claims["iss"], "tid": "someone-else"})).expect("json"),
        );
        parts[1] = &forged_claims;
        assert!(jsonwebtoken::decode::<Value>(&parts.join("."), &decoding, &validation).is_err());
    }
}

#[tokio::test]
async fn a_hanging_receiver_delays_neither_requests_nor_other_receivers() {
    let mut setup = setup(&[]).await;
    let stuck = WebhookReceiver::start().await;
    let healthy = WebhookReceiver::start().await;
    let (status, _) = subscribe(&setup, &stuck, &format!("communications/presences/{USER}")).await;
    assert_eq!(status, 201);
    // Graph allows one presence subscription per user per application: another watcher.
    setup.subscriber = user_token(
        &setup.server.secret(),
        TENANT,
        APP,
        "0b2f7e0a-4c1d-4a55-9b1e-3f7f0c2d9e11",
        &["Presence.Read.All"],
    );
    let (status, _) = subscribe(
        &setup,
        &healthy,
        &format!("communications/presences/{USER}"),
    )
    .await;
    assert_eq!(status, 201);
    stuck.hang();
    let started = std::time::Instant::now();
    for (availability, activity) in [
        ("Available", "Available"),
        ("Busy", "InACall"),
        ("Away", "Away"),
    ] {
        set(&setup, USER, availability, activity, &setup.writer).await;
    }
    let received = healthy.wait_for(3, WAIT).await;
    assert_eq!(received.len(), 3, "the healthy receiver got every change");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "writes and the other receiver were not held up by the stuck one ({:?})",
        started.elapsed()
    );
    assert!(stuck.notifications().is_empty());
}

#[tokio::test]
async fn reauthorize_answers_the_owner_only() {
    let setup = setup(&[]).await;
    let receiver = WebhookReceiver::start().await;
    let (status, created) = subscribe(
        &setup,
        &receiver,
        &format!("communications/presences/{USER}"),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("id");
    for path in [
        format!("/v1.0/subscriptions/{id}/reauthorize"),
        format!("/beta/subscriptions/{id}/microsoft.graph.reauthorize"),
    ] {
        let (status, body) = call(
            &setup.server,
            reqwest::Method::POST,
            &path,
            &setup.subscriber,
            None,
        )
        .await;
        assert_eq!(status, 204, "{path}: {body}");
    }
    let stranger = user_token(
        &setup.server.secret(),
        TENANT,
        APP,
        USER,
        &["Presence.Read.All"],
    );
    let path = format!("/v1.0/subscriptions/{id}/reauthorize");
    let (status, _) = call(&setup.server, reqwest::Method::POST, &path, &stranger, None).await;
    assert_eq!(status, 404, "another user's subscription is not found");
    let (status, _) = call(
        &setup.server,
        reqwest::Method::GET,
        &path,
        &setup.subscriber,
        None,
    )
    .await;
    assert_eq!(status, 405);
    let (status, _) = call(
        &setup.server,
        reqwest::Method::POST,
        "/v1.0/subscriptions/nope/reauthorize",
        &setup.subscriber,
        None,
    )
    .await;
    assert_eq!(status, 404);
}

/// The keys of the documented basic presence notification (Graph reference §11.6).
const DOCUMENTED_KEYS: [&str; 8] = [
    "subscriptionId",
    "clientState",
    "changeType",
    "tenantId",
    "resource",
    "subscriptionExpirationDateTime",
    "resourceData",
    "organizationId",
];

#[tokio::test]
async fn both_notification_shapes_match_the_documented_example() {
    let keys = |value: &Value| -> std::collections::BTreeSet<String> {
        value
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    for (flag, resource_keys) in [
        (
            "detailed",
            vec!["@odata.id", "@odata.type", "activity", "availability", "id"],
        ),
        ("graph", vec!["@odata.id", "@odata.type", "id"]),
    ] {
        let setup = setup(&["--notifications", flag]).await;
        let receiver = WebhookReceiver::start().await;
        let (status, created) = subscribe(
            &setup,
            &receiver,
            &format!("communications/presences/{USER}"),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        set(&setup, USER, "Busy", "InACall", &setup.writer).await;
        let received = receiver.wait_for(1, WAIT).await;
        let notification = &received[0];
        let mut expected: std::collections::BTreeSet<String> =
            DOCUMENTED_KEYS.iter().map(|k| (*k).to_owned()).collect();
        expected.insert("id".to_owned()); // in the CSDL's changeNotification, not in the example
        assert_eq!(keys(notification), expected, "{flag}: {notification}");
        let resource: std::collections::BTreeSet<String> =
            resource_keys.iter().map(|k| (*k).to_owned()).collect();
        assert_eq!(keys(&notification["resourceData"]), resource, "{flag}");
        assert_eq!(
            notification["resourceData"]["@odata.id"],
            format!("users/{USER}/presence")
        );
        assert_eq!(
            notification["resource"],
            format!("communications/presences/{USER}")
        );
    }
}
