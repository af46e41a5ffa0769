//! The server as its own Entra-shaped authority: discovery, the token endpoint's grants and
//! refusals, and the API accepting what it issues. Raw HTTP here; the official credential
//! libraries are driven in `identity_compat`.

use presence_test_support::TestServer;
use serde_json::{Value, json};

pub const TENANT: &str = "3f2a7c1e-8d4b-4e6a-9c0f-5b1d2e3a4f60";
pub const OTHER_TENANT: &str = "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4";
pub const CLIENT: &str = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
pub const CERT_CLIENT: &str = "5b2c3d4e-6f70-4b8c-9d0e-1f2a3b4c5d6e";
/// Registered with neither a secret nor a certificate: a public client.
pub const PUBLIC_CLIENT: &str = "6c3d4e5f-7081-4c9d-8e1f-2a3b4c5d6e7f";
pub const SECRET: &str = "presence-test-secret~value";
pub const ALICE: &str = "a11ce000-0000-4000-8000-000000000001";
pub const ALICE_UPN: &str = "alice@contoso.test";
pub const PASSWORD: &str = "correct horse battery staple";

/// An identities file with an application of each kind and one user; `certificate` is the
/// PEM certificate registered for `CERT_CLIENT`.
pub fn identities(dir: &std::path::Path, certificate: &str) -> std::path::PathBuf {
    let path = dir.join("identities.json");
    let document = json!({"tenants": [
        {"id": TENANT,
         "applications": [
            {"clientId": CLIENT, "displayName": "Presence test app", "secrets": [SECRET],
             "roles": ["Presence.ReadWrite.All"],
             "scopes": ["Presence.Read", "Presence.ReadWrite", "Presence.Read.All"]},
            {"clientId": CERT_CLIENT, "displayName": "Certificate app", "certificates": [certificate],
             "roles": ["Presence.Read.All"]},
            {"clientId": PUBLIC_CLIENT, "displayName": "Public app",
             "scopes": ["Presence.Read", "Presence.ReadWrite"]}],
         "users": [{"id": ALICE, "userPrincipalName": ALICE_UPN, "displayName": "Alice", "password": PASSWORD},
                   {"id": "b0b00000-0000-4000-8000-000000000002", "userPrincipalName": "bob@contoso.test",
                    "displayName": "Bob", "password": PASSWORD}]},
        {"id": OTHER_TENANT, "applications": [], "users": []}
    ]});
    std::fs::write(&path, document.to_string()).expect("written");
    path
}

/// A self-signed RSA certificate and its key (PEM), made with openssl.
pub fn certificate(dir: &std::path::Path) -> (String, String) {
    let (cert, key) = (dir.join("app-cert.pem"), dir.join("app-key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=app",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (
        std::fs::read_to_string(cert).expect("cert"),
        std::fs::read_to_string(key).expect("key"),
    )
}

async fn post_form(server: &TestServer, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = server
        .http()
        .post(server.url(path))
        .form(form)
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn token_path(tenant: &str) -> String {
    format!("/{tenant}/oauth2/v2.0/token")
}

fn assert_refused(answer: &(u16, Value), status: u16, error: &str, code: u64) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"], json!([code]), "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.starts_with(&format!("AADSTS{code}: "))),
        "{body}"
    );
    for field in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[field].is_string(), "{field}: {body}");
    }
}

#[tokio::test]
async fn discovery_and_keys_describe_this_authority() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let (status, config) = server
        .call(
            reqwest::Method::GET,
            &format!("/{TENANT}/v2.0/.well-known/openid-configuration"),
            "",
            None,
        )
        .await;
    assert_eq!(status, 200);
    let origin = &server.origin;
    assert_eq!(config["issuer"], format!("{origin}/{TENANT}/v2.0"));
    assert_eq!(
        config["token_endpoint"],
        format!("{origin}/{TENANT}/oauth2/v2.0/token")
    );
    assert_eq!(config["tenant_region_scope"], Value::Null);
    for field in [
        "authorization_endpoint",
        "device_authorization_endpoint",
        "jwks_uri",
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "scopes_supported",
    ] {
        assert!(!config[field].is_null(), "{field}");
    }
    let (_, common) = server
        .call(
            reqwest::Method::GET,
            "/common/v2.0/.well-known/openid-configuration",
            "",
            None,
        )
        .await;
    assert_eq!(common["issuer"], format!("{origin}/{{tenantid}}/v2.0"));
    let (status, v1) = server
        .call(
            reqwest::Method::GET,
            &format!("/{TENANT}/.well-known/openid-configuration"),
            "",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(v1["issuer"], format!("https://sts.windows.net/{TENANT}/"));
    let (status, instance) = server
        .call(
            reqwest::Method::GET,
            "/common/discovery/instance?api-version=1.1",
            "",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(instance["api-version"], "1.1");
    let jwks_path = config["jwks_uri"]
        .as_str()
        .and_then(|u| u.strip_prefix(origin.as_str()))
        .expect("on this server");
    let (status, jwks) = server.call(reqwest::Method::GET, jwks_path, "", None).await;
    assert_eq!(status, 200);
    assert_eq!(jwks["keys"][0]["kty"], "RSA");

    // The generated client reaches the token endpoint (form-encoded) like any operation.
    let root = presence_client::Client::new_with_client(&server.origin, server.http());
    let answer = root
        .authority_token()
        .tenant(TENANT)
        .body(presence_client::types::TokenRequest {
            grant_type: "client_credentials".into(),
            client_id: Some(CLIENT.into()),
            client_secret: Some(SECRET.into()),
            scope: Some("https://graph.microsoft.com/.default".into()),
            ..Default::default()
        })
        .send()
        .await
        .expect("a token")
        .into_inner();
    assert_eq!(answer.token_type, "Bearer");
    let refused = root
        .authority_token()
        .tenant(TENANT)
        .body(presence_client::types::TokenRequest {
            grant_type: "client_credentials".into(),
            client_id: Some(CLIENT.into()),
            client_secret: Some("wrong".into()),
            scope: Some("https://graph.microsoft.com/.default".into()),
            ..Default::default()
        })
        .send()
        .await
        .expect_err("refused");
    match refused {
        presence_client::Error::ErrorResponse(error) => {
            assert_eq!(error.status().as_u16(), 401);
            assert_eq!(error.error_codes, vec![7000215]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn client_credentials_give_an_application_token_the_api_accepts() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, key) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let scope = "https://graph.microsoft.com/.default";
    let (status, answer) = post_form(
        &server,
        &token_path(TENANT),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("scope", scope),
            ("client_info", "1"),
            ("x-client-SKU", "test"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["token_type"], "Bearer");
    assert!(answer["expires_in"].as_u64().is_some_and(|s| s > 3000));
    assert!(answer.get("refresh_token").is_none());
    let token = answer["access_token"].as_str().expect("a token").to_owned();
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .expect("a JWT")
        .claims;
    assert_eq!(claims["tid"], TENANT);
    assert_eq!(
        (&claims["appid"], &claims["azp"]),
        (&json!(CLIENT), &json!(CLIENT))
    );
    assert_eq!(claims["roles"], json!(["Presence.ReadWrite.All"]));
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(claims["idtyp"], "app");

    // The API takes it, in the token's tenant.
    let user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{user}/presence/setPresence"),
            &token,
            Some(json!({"availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // HTTP Basic client authentication works too.
    let basic = server
        .http()
        .post(server.url(&token_path(TENANT)))
        .basic_auth(CLIENT, Some(SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", scope)])
        .send()
        .await
        .expect("answers");
    assert_eq!(basic.status(), 200);

    // A client assertion signed with the registered certificate's key.
    let now = jiff::Timestamp::now().as_second();
    let assertion = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &json!({"aud": format!("{}{}", server.origin, token_path(TENANT)), "iss": CERT_CLIENT,
                "sub": CERT_CLIENT, "jti": "1", "nbf": now, "exp": now + 600}),
        &jsonwebtoken::EncodingKey::from_rsa_pem(key.as_bytes()).expect("an RSA key"),
    )
    .expect("signed");
    let assertion_form = |assertion: &str| {
        vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", CERT_CLIENT.to_owned()),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned(),
            ),
            ("client_assertion", assertion.to_owned()),
            ("scope", scope.to_owned()),
        ]
    };
    let answer = server
        .http()
        .post(server.url(&token_path(TENANT)))
        .form(&assertion_form(&assertion))
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
    let forged = format!("{}x", &assertion[..assertion.len() - 1]);
    let refused = server
        .http()
        .post(server.url(&token_path(TENANT)))
        .form(&assertion_form(&forged))
        .send()
        .await
        .expect("answers");
    assert_eq!(refused.status(), 401);

    // The refusals, shaped as Entra's.
    let base = |client: &'static str, secret: &'static str| {
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", client),
            ("client_secret", secret),
            ("scope", scope),
        ]
    };
    assert_refused(
        &post_form(&server, &token_path(TENANT), &base(CLIENT, "wrong")).await,
        401,
        "invalid_client",
        7000215,
    );
    assert_refused(
        &post_form(
            &server,
            &token_path(TENANT),
            &base("00000000-1111-2222-3333-444444444444", SECRET),
        )
        .await,
        400,
        "unauthorized_client",
        700016,
    );
    // The application of another tenant is unknown here.
    assert_refused(
        &post_form(&server, &token_path(OTHER_TENANT), &base(CLIENT, SECRET)).await,
        400,
        "unauthorized_client",
        700016,
    );
    let mut bad_scope = base(CLIENT, SECRET);
    bad_scope[3] = ("scope", "https://vault.azure.net/.default");
    assert_refused(
        &post_form(&server, &token_path(TENANT), &bad_scope).await,
        400,
        "invalid_scope",
        70011,
    );
    let mut bad_grant = base(CLIENT, SECRET);
    bad_grant[0] = ("grant_type", "magic");
    assert_refused(
        &post_form(&server, &token_path(TENANT), &bad_grant).await,
        400,
        "unsupported_grant_type",
        70003,
    );

    // A token the authority did not sign is refused by the API.
    let (status, _) = server
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/users/{user}/presence"),
            &format!("{}x", &token[..token.len() - 1]),
            None,
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_test_user_signs_in_with_a_password_and_refreshes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let password_form = |password: &'static str| {
        vec![
            ("grant_type", "password"),
            ("client_id", CLIENT),
            ("username", "Alice@Contoso.test"),
            ("password", password),
            (
                "scope",
                "https://graph.microsoft.com/Presence.ReadWrite openid profile offline_access",
            ),
            ("client_info", "1"),
            ("client_secret", SECRET),
        ]
    };
    let (status, answer) = post_form(
        &server,
        "/organizations/oauth2/v2.0/token",
        &password_form(PASSWORD),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    for field in ["access_token", "refresh_token", "id_token", "client_info"] {
        assert!(answer[field].is_string(), "{field}: {answer}");
    }
    let access = answer["access_token"].as_str().expect("token").to_owned();
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&access)
        .expect("JWT")
        .claims;
    assert_eq!(
        (&claims["oid"], &claims["scp"]),
        (&json!(ALICE), &json!("Presence.ReadWrite"))
    );
    assert_eq!(claims["tid"], TENANT);

    // The delegated token reads and writes the signed-in user's own presence.
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/me/presence/setPresence",
            &access,
            Some(json!({"availability": "Available", "activity": "Available", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, me) = server
        .call(reqwest::Method::GET, "/v1.0/me/presence", &access, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(me["id"], ALICE);

    assert_refused(
        &post_form(&server, &token_path(TENANT), &password_form("wrong")).await,
        400,
        "invalid_grant",
        50126,
    );
    let mut unconsented = password_form(PASSWORD);
    unconsented[4] = ("scope", "https://graph.microsoft.com/Calendars.Read");
    assert_refused(
        &post_form(&server, &token_path(TENANT), &unconsented).await,
        400,
        "invalid_grant",
        65001,
    );

    // The refresh token gives a new access token, to its own client only.
    let refresh = answer["refresh_token"].as_str().expect("refresh");
    let (status, renewed) = post_form(
        &server,
        &token_path(TENANT),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("refresh_token", refresh),
        ],
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    let (status, _) = server
        .call(
            reqwest::Method::GET,
            "/v1.0/me/presence",
            renewed["access_token"].as_str().expect("token"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_refused(
        &post_form(
            &server,
            &token_path(TENANT),
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CERT_CLIENT),
                ("refresh_token", refresh),
            ],
        )
        .await,
        400,
        "invalid_grant",
        70000,
    );
    assert_refused(
        &post_form(
            &server,
            &token_path(TENANT),
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT),
                ("refresh_token", "not-a-token"),
            ],
        )
        .await,
        400,
        "invalid_grant",
        70000,
    );
}

/// A client that does not follow redirects (to read where the authority sends the browser).
fn browser(server: &TestServer) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = server.ca_pem() {
        builder = builder.add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("PEM"));
    }
    builder.build().expect("a client")
}

#[tokio::test]
async fn the_authorization_code_flow_with_pkce() {
    use base64::Engine;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(<sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()));
    let redirect = "http://localhost:8400/callback";
    let query = |hint: Option<&'static str>| {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("client_id", CLIENT),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            (
                "scope",
                "https://graph.microsoft.com/Presence.Read openid offline_access",
            ),
            ("state", "s-123"),
            ("nonce", "n-456"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        if let Some(hint) = hint {
            pairs.push(("login_hint", hint));
        }
        pairs
    };
    let client = browser(&server);
    let authorize = server.url(&format!("/{TENANT}/oauth2/v2.0/authorize"));

    // Without a login hint: a page asking who signs in, carrying the request along.
    let page = client
        .get(&authorize)
        .query(&query(None))
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let html = page.text().await.expect("HTML");
    assert!(
        html.contains(r#"name="login_hint""#)
            && html.contains(r#"type="password""#)
            && html.contains("s-123"),
        "{html}"
    );

    // Posting the page's form signs the user in and sends the browser back with a code.
    let mut form = query(None);
    form.push(("login_hint", ALICE_UPN));
    form.push(("password", PASSWORD));
    let answer = client
        .post(&authorize)
        .form(&form)
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        location.starts_with(&format!("{redirect}?code=")),
        "{location}"
    );
    assert!(location.ends_with("&state=s-123"), "{location}");
    let code = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .expect("a code")
        .to_owned();

    let redeem = |code: String, verifier: &'static str| {
        let server = &server;
        async move {
            post_form(
                server,
                &token_path(TENANT),
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", CLIENT),
                    ("client_secret", SECRET),
                    ("code", &code),
                    ("redirect_uri", redirect),
                    ("code_verifier", verifier),
                ],
            )
            .await
        }
    };
    assert_refused(
        &redeem(code.clone(), "not-the-verifier").await,
        400,
        "invalid_grant",
        70000,
    );
    let (status, tokens) = redeem(code, verifier).await;
    assert_eq!(status, 200, "{tokens}");
    let id_token = jsonwebtoken::dangerous::insecure_decode::<Value>(
        tokens["id_token"].as_str().expect("an id token"),
    )
    .expect("JWT")
    .claims;
    assert_eq!(
        (&id_token["nonce"], &id_token["aud"]),
        (&json!("n-456"), &json!(CLIENT))
    );
    assert!(tokens["refresh_token"].is_string());
    let (status, me) = server
        .call(
            reqwest::Method::GET,
            "/v1.0/me/presence",
            tokens["access_token"].as_str().expect("token"),
            None,
        )
        .await;
    assert_eq!((status, me["id"].as_str()), (200, Some(ALICE)));

    // A login hint alone fills the name in: the password is still asked for.
    let hinted = client
        .get(&authorize)
        .query(&query(Some(ALICE_UPN)))
        .send()
        .await
        .expect("answers");
    assert_eq!(hinted.status(), 200, "no code without the password");
    let html = hinted.text().await.expect("HTML");
    assert!(
        html.contains(ALICE_UPN) && html.contains(r#"type="password""#),
        "{html}"
    );
    // A wrong password: the page again, with Entra's words, and no code.
    let mut wrong = query(Some(ALICE_UPN));
    wrong.push(("password", "not-her-password"));
    let refused = client
        .post(&authorize)
        .form(&wrong)
        .send()
        .await
        .expect("answers");
    assert_eq!(refused.status(), 200);
    assert!(refused.text().await.expect("HTML").contains("AADSTS50126"));
    // An unknown client is sent back with Entra's error.
    let mut unknown = query(Some(ALICE_UPN));
    unknown[0] = ("client_id", "00000000-1111-2222-3333-444444444444");
    unknown.push(("password", PASSWORD));
    let refused = client
        .post(&authorize)
        .form(&unknown)
        .send()
        .await
        .expect("answers");
    let location = refused.headers()["location"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        location.contains("error=unauthorized_client") && location.contains("state=s-123"),
        "{location}"
    );
}

#[tokio::test]
async fn the_device_code_flow_approved_by_page_or_by_the_control_plane() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let start = || async {
        post_form(
            &server,
            &format!("/{TENANT}/oauth2/v2.0/devicecode"),
            &[
                ("client_id", CLIENT),
                ("scope", "Presence.ReadWrite offline_access"),
            ],
        )
        .await
    };
    let poll = |device_code: String| {
        let server = &server;
        async move {
            post_form(
                server,
                &token_path(TENANT),
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("client_id", CLIENT),
                    ("client_secret", SECRET),
                    ("device_code", &device_code),
                ],
            )
            .await
        }
    };

    let (status, started) = start().await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(
        started["verification_uri"],
        format!("{}/devicelogin", server.origin)
    );
    let (device_code, user_code) = (
        started["device_code"]
            .as_str()
            .expect("device code")
            .to_owned(),
        started["user_code"].as_str().expect("user code").to_owned(),
    );
    assert!(
        started["message"]
            .as_str()
            .is_some_and(|m| m.contains(&user_code))
    );
    assert_refused(
        &poll(device_code.clone()).await,
        400,
        "authorization_pending",
        70016,
    );

    // The page approves it.
    let page = browser(&server)
        .post(server.url("/devicelogin"))
        .form(&[
            ("user_code", user_code.as_str()),
            ("login_hint", ALICE_UPN),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .expect("HTML")
            .contains("You have signed in")
    );
    let (status, tokens) = poll(device_code.clone()).await;
    assert_eq!(status, 200, "{tokens}");
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(
        tokens["access_token"].as_str().expect("token"),
    )
    .expect("JWT")
    .claims;
    assert_eq!(
        (&claims["oid"], &claims["scp"]),
        (&json!(ALICE), &json!("Presence.ReadWrite"))
    );
    assert_refused(&poll(device_code).await, 400, "expired_token", 70020);

    // The control plane approves another.
    let (_, started) = start().await;
    let user_code = started["user_code"].as_str().expect("user code");
    let approved = server
        .admin_request(
            reqwest::Method::POST,
            &format!("/admin/deviceCodes/{user_code}/approve"),
        )
        .json(&json!({"userPrincipalName": ALICE_UPN}))
        .send()
        .await
        .expect("answers");
    assert_eq!(approved.status(), 204);
    let (status, _) = poll(started["device_code"].as_str().expect("code").to_owned()).await;
    assert_eq!(status, 200);
    let unknown = server
        .admin_request(reqwest::Method::POST, "/admin/deviceCodes/NOPENOPE/approve")
        .json(&json!({"userPrincipalName": ALICE_UPN}))
        .send()
        .await
        .expect("answers");
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn an_expired_refresh_token_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    // A refresh token exactly as the server makes them, signed with its key, but expired.
    let pem = presence_test_support::signing_key_pem(&server.database_url).await;
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).expect("an RSA key");
    let kid = {
        let (_, jwks) = server
            .call(
                reqwest::Method::GET,
                "/common/discovery/v2.0/keys",
                "",
                None,
            )
            .await;
        jwks["keys"][0]["kid"].as_str().expect("a kid").to_owned()
    };
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid);
    let now = jiff::Timestamp::now().as_second();
    let sign = |exp: i64| {
        jsonwebtoken::encode(
            &header,
            &json!({"typ": "refresh", "tid": TENANT, "appid": CLIENT, "upn": ALICE_UPN,
                    "scp": "Presence.ReadWrite", "iat": now - 90_000, "exp": exp, "uti": "x"}),
            &key,
        )
        .expect("signed")
    };
    let redeem = |token: String| {
        let server = &server;
        async move {
            post_form(
                server,
                &token_path(TENANT),
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", CLIENT),
                    ("client_secret", SECRET),
                    ("refresh_token", &token),
                ],
            )
            .await
        }
    };
    // The same token unexpired is honoured: the refusal below is about the expiry alone.
    let (status, body) = redeem(sign(now + 600)).await;
    assert_eq!(status, 200, "{body}");
    assert_refused(&redeem(sign(now - 60)).await, 400, "invalid_grant", 70000);
}

/// Signs Alice in on the authorize page (posting her password unless `password` is `None`)
/// for `client`, with or without a PKCE challenge; the code, if the page gave one.
async fn sign_in_for_code(
    server: &TestServer,
    client: &str,
    password: Option<&str>,
    challenge: Option<&str>,
) -> Option<String> {
    let mut form: Vec<(&str, &str)> = vec![
        ("client_id", client),
        ("response_type", "code"),
        ("redirect_uri", "http://localhost:8400/callback"),
        (
            "scope",
            "https://graph.microsoft.com/Presence.Read offline_access",
        ),
        ("login_hint", ALICE_UPN),
    ];
    if let Some(password) = password {
        form.push(("password", password));
    }
    if let Some(challenge) = challenge {
        form.push(("code_challenge", challenge));
        form.push(("code_challenge_method", "plain"));
    }
    let answer = browser(server)
        .post(server.url(&format!("/{TENANT}/oauth2/v2.0/authorize")))
        .form(&form)
        .send()
        .await
        .expect("answers");
    let location = answer.headers().get("location")?.to_str().ok()?.to_owned();
    location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .map(str::to_owned)
}

#[tokio::test]
async fn no_token_without_a_credential() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;

    // The sign-in page gives no code for a name alone.
    assert_eq!(sign_in_for_code(&server, CLIENT, None, None).await, None);
    assert_eq!(
        sign_in_for_code(&server, CLIENT, Some("wrong"), None).await,
        None
    );

    // A confidential client's code is redeemed only with its secret.
    let code = sign_in_for_code(&server, CLIENT, Some(PASSWORD), None)
        .await
        .expect("a code");
    let redeem = |code: String, secret: Option<&'static str>| {
        let server = &server;
        async move {
            let mut form = vec![
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT),
                ("code", code.as_str()),
                ("redirect_uri", "http://localhost:8400/callback"),
            ];
            if let Some(secret) = secret {
                form.push(("client_secret", secret));
            }
            post_form(server, &token_path(TENANT), &form).await
        }
    };
    assert_refused(
        &redeem(code.clone(), None).await,
        401,
        "invalid_client",
        7000218,
    );
    assert_refused(
        &redeem(code.clone(), Some("wrong")).await,
        401,
        "invalid_client",
        7000215,
    );
    let (status, tokens) = redeem(code, Some(SECRET)).await;
    assert_eq!(status, 200, "{tokens}");

    // So is its refresh token, and its password grant.
    let refresh = tokens["refresh_token"].as_str().expect("a refresh token");
    assert_refused(
        &post_form(
            &server,
            &token_path(TENANT),
            &[
                ("grant_type", "refresh_token"),
                ("client_id", CLIENT),
                ("refresh_token", refresh),
            ],
        )
        .await,
        401,
        "invalid_client",
        7000218,
    );
    assert_refused(
        &post_form(
            &server,
            &token_path(TENANT),
            &[
                ("grant_type", "password"),
                ("client_id", CLIENT),
                ("username", ALICE_UPN),
                ("password", PASSWORD),
                ("scope", "https://graph.microsoft.com/Presence.Read"),
            ],
        )
        .await,
        401,
        "invalid_client",
        7000218,
    );

    // A device code: the page needs the password, and the poll the client's secret.
    let (_, started) = post_form(
        &server,
        &format!("/{TENANT}/oauth2/v2.0/devicecode"),
        &[("client_id", CLIENT), ("scope", "Presence.Read")],
    )
    .await;
    let user_code = started["user_code"].as_str().expect("a user code");
    let device_code = started["device_code"].as_str().expect("a device code");
    let approve = |password: Option<&'static str>| {
        let server = &server;
        let user_code = user_code.to_owned();
        async move {
            let mut form = vec![
                ("user_code", user_code),
                ("login_hint", ALICE_UPN.to_owned()),
            ];
            if let Some(password) = password {
                form.push(("password", password.to_owned()));
            }
            browser(server)
                .post(server.url("/devicelogin"))
                .form(&form)
                .send()
                .await
                .expect("answers")
                .status()
                .as_u16()
        }
    };
    assert_eq!(approve(None).await, 400, "no approval without the password");
    assert_eq!(approve(Some("wrong")).await, 400);
    assert_eq!(approve(Some(PASSWORD)).await, 200);
    let poll = |secret: Option<&'static str>| {
        let server = &server;
        async move {
            let mut form = vec![
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", CLIENT),
                ("device_code", device_code),
            ];
            if let Some(secret) = secret {
                form.push(("client_secret", secret));
            }
            post_form(server, &token_path(TENANT), &form).await
        }
    };
    assert_refused(&poll(None).await, 401, "invalid_client", 7000218);
    assert_eq!(poll(Some(SECRET)).await.0, 200);
}

#[tokio::test]
async fn a_public_client_redeems_a_code_only_with_pkce_and_gets_no_application_token() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let redeem = |code: String, verifier: Option<&'static str>| {
        let server = &server;
        async move {
            let mut form = vec![
                ("grant_type", "authorization_code"),
                ("client_id", PUBLIC_CLIENT),
                ("code", code.as_str()),
                ("redirect_uri", "http://localhost:8400/callback"),
            ];
            if let Some(verifier) = verifier {
                form.push(("code_verifier", verifier));
            }
            post_form(server, &token_path(TENANT), &form).await
        }
    };
    let without = sign_in_for_code(&server, PUBLIC_CLIENT, Some(PASSWORD), None)
        .await
        .expect("a code");
    assert_refused(
        &redeem(without, None).await,
        400,
        "invalid_request",
        9002325,
    );
    let verifier = "a-plain-verifier-of-enough-length-0123456789abcdef";
    let with = sign_in_for_code(&server, PUBLIC_CLIENT, Some(PASSWORD), Some(verifier))
        .await
        .expect("a code");
    let (status, tokens) = redeem(with, Some(verifier)).await;
    assert_eq!(status, 200, "{tokens}");
    assert_refused(
        &post_form(
            &server,
            &token_path(TENANT),
            &[
                ("grant_type", "client_credentials"),
                ("client_id", PUBLIC_CLIENT),
                ("scope", "https://graph.microsoft.com/.default"),
            ],
        )
        .await,
        401,
        "invalid_client",
        7000218,
    );
}

#[tokio::test]
async fn with_sign_in_auto_a_login_hint_is_signed_in_at_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server = TestServer::start_with(&[
        "--tls",
        "--sign-in",
        "auto",
        "--identities",
        file.to_str().expect("utf-8"),
    ])
    .await;
    let answer = browser(&server)
        .get(server.url(&format!("/{TENANT}/oauth2/v2.0/authorize")))
        .query(&[
            ("client_id", CLIENT),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost:8400/callback"),
            ("login_hint", ALICE_UPN),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().expect("text");
    assert!(location.contains("code="), "{location}");
}

#[tokio::test]
async fn the_authority_is_as_strict_as_entra_about_redirects_tenants_assertions_and_token_kinds() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, key) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let authorize = server.url(&format!("/{TENANT}/oauth2/v2.0/authorize"));

    // Redirect URIs: https, http to this machine, a native app's scheme; nothing else.
    for (uri, allowed) in [
        ("javascript:alert(1)//", false),
        ("data:text/html,<script>1</script>", false),
        ("vbscript:msgbox", false),
        ("file:///etc/passwd", false),
        ("http://evil.example/cb", false),
        ("https://app.example/cb", true),
        ("http://localhost:8400/cb", true),
        ("http://127.0.0.1:8400/cb", true),
        ("http://[::1]:8400/cb", true),
        ("com.example.app:/callback", true),
    ] {
        let answer = browser(&server)
            .get(&authorize)
            .query(&[
                ("client_id", CLIENT),
                ("response_type", "code"),
                ("redirect_uri", uri),
            ])
            .send()
            .await
            .expect("answers");
        let expected = if allowed { 200 } else { 400 };
        assert_eq!(answer.status().as_u16(), expected, "{uri}");
    }

    // A code and a refresh token are redeemed at their own tenant only.
    let code = sign_in_for_code(&server, CLIENT, Some(PASSWORD), None)
        .await
        .expect("a code");
    let elsewhere = |grant: &'static str, field: &'static str, value: String| {
        let server = &server;
        async move {
            post_form(
                server,
                &token_path(OTHER_TENANT),
                &[
                    ("grant_type", grant),
                    ("client_id", CLIENT),
                    ("client_secret", SECRET),
                    (field, value.as_str()),
                    ("redirect_uri", "http://localhost:8400/callback"),
                ],
            )
            .await
        }
    };
    assert_refused(
        &elsewhere("authorization_code", "code", code.clone()).await,
        400,
        "invalid_grant",
        70000,
    );
    let (status, tokens) = post_form(
        &server,
        &token_path(TENANT),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("code", &code),
            ("redirect_uri", "http://localhost:8400/callback"),
            (
                "scope",
                "https://graph.microsoft.com/Presence.Read openid offline_access",
            ),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let refresh = tokens["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned();
    assert_refused(
        &elsewhere("refresh_token", "refresh_token", refresh.clone()).await,
        400,
        "invalid_grant",
        70000,
    );

    // Only access tokens authenticate at the API: not a code, a refresh token or an id token.
    let id_token = tokens["id_token"].as_str().expect("an id token").to_owned();
    for (kind, token) in [
        ("code", code),
        ("refresh token", refresh),
        ("id token", id_token),
    ] {
        let (status, body) = server
            .call(reqwest::Method::GET, "/v1.0/me/presence", &token, None)
            .await;
        assert_eq!(status, 401, "a {kind}: {body}");
        assert_eq!(
            body["error"]["code"], "InvalidAuthenticationToken",
            "{body}"
        );
    }

    // Client assertions: this tenant's endpoint, at most an hour, each used once.
    let encoding = jsonwebtoken::EncodingKey::from_rsa_pem(key.as_bytes()).expect("an RSA key");
    let now = jiff::Timestamp::now().as_second();
    let assertion = |aud_tenant: &str, lifetime: i64, jti: &str| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
            &json!({"iss": CERT_CLIENT, "sub": CERT_CLIENT, "jti": jti, "nbf": now, "iat": now,
                    "exp": now + lifetime,
                    "aud": format!("{}/{aud_tenant}/oauth2/v2.0/token", server.origin)}),
            &encoding,
        )
        .expect("signed")
    };
    let with = |assertion: String| {
        let server = &server;
        async move {
            post_form(
                server,
                &token_path(TENANT),
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", CERT_CLIENT),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", assertion.as_str()),
                    ("scope", "https://graph.microsoft.com/.default"),
                ],
            )
            .await
        }
    };
    assert_refused(
        &with(assertion(OTHER_TENANT, 600, "a")).await,
        401,
        "invalid_client",
        700027,
    );
    assert_refused(
        &with(assertion(TENANT, 10 * 365 * 86_400, "b")).await,
        401,
        "invalid_client",
        700027,
    );
    let once = assertion(TENANT, 600, "c");
    assert_eq!(with(once.clone()).await.0, 200, "a good assertion");
    assert_refused(&with(once).await, 401, "invalid_client", 700027);
}

#[tokio::test]
async fn guessing_locks_the_guessed_client_user_or_address_for_at_most_a_minute() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let sign_in = |user: &'static str, password: &'static str| {
        let server = &server;
        async move {
            post_form(
                server,
                &token_path(TENANT),
                &[
                    ("grant_type", "password"),
                    ("client_id", CLIENT),
                    ("client_secret", SECRET),
                    ("username", user),
                    ("password", password),
                    ("scope", "https://graph.microsoft.com/Presence.Read"),
                ],
            )
            .await
        }
    };
    for _ in 0..10 {
        assert_refused(
            &sign_in(ALICE_UPN, "guess").await,
            400,
            "invalid_grant",
            50126,
        );
    }
    // The eleventh is refused at once, even with the right password; Bob is not affected.
    assert_refused(
        &sign_in(ALICE_UPN, PASSWORD).await,
        429,
        "invalid_grant",
        50053,
    );
    assert_eq!(sign_in("bob@contoso.test", PASSWORD).await.0, 200);
    // An unknown user counts too (and is refused in the same words).
    for _ in 0..10 {
        assert_refused(
            &sign_in("nobody@contoso.test", "guess").await,
            400,
            "invalid_grant",
            50126,
        );
    }
    assert_refused(
        &sign_in("nobody@contoso.test", "guess").await,
        429,
        "invalid_grant",
        50053,
    );

    // Wrong client secrets lock the client id.
    let secret = |value: &'static str| {
        let server = &server;
        async move {
            let response = server
                .http()
                .post(server.url(&token_path(TENANT)))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", CLIENT),
                    ("client_secret", value),
                    ("scope", "https://graph.microsoft.com/.default"),
                ])
                .send()
                .await
                .expect("answers");
            let retry = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            (response.status().as_u16(), retry)
        }
    };
    for _ in 0..10 {
        assert_eq!(secret("guess").await.0, 401);
    }
    let (status, retry) = secret(SECRET).await;
    assert_eq!(status, 429, "locked, whatever the secret");
    assert!(retry.is_some_and(|s| (1..=300).contains(&s)), "{retry:?}");

    // Device user codes: ten wrong ones from an address, then that address waits.
    let page = |code: &'static str| {
        let server = &server;
        async move {
            browser(server)
                .post(server.url("/devicelogin"))
                .form(&[
                    ("user_code", code),
                    ("login_hint", ALICE_UPN),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .expect("answers")
                .status()
                .as_u16()
        }
    };
    for _ in 0..10 {
        assert_eq!(page("BCDFGHJK").await, 400);
    }
    assert_eq!(page("BCDFGHJK").await, 429);
}
