//! #27 item 6: the `Host` header no longer chooses the issuer. A request addressed to one of
//! the server's own addresses is answered as that address, any other as the canonical one;
//! proxy headers count only from `--trusted-proxy` peers, for the host they name and for the
//! client's address.

use presence_test_support::TestServer;
use serde_json::Value;

use crate::authority::{ALICE_UPN, CLIENT, PASSWORD, SECRET, TENANT, certificate, identities};

async fn server_with(args: &[&str]) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let mut all = vec!["--identities", file.to_str().expect("utf-8")];
    all.extend_from_slice(args);
    (TestServer::start_with(&all).await, dir)
}

async fn discovery(server: &TestServer, headers: &[(&str, &str)]) -> Value {
    let mut request = server
        .http()
        .get(server.url(&format!("/{TENANT}/v2.0/.well-known/openid-configuration")));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

/// An application token issued through a request carrying `headers`, and its claims.
async fn token(server: &TestServer, headers: &[(&str, &str)]) -> (String, Value) {
    let mut request = server
        .http()
        .post(server.url(&format!("/{TENANT}/oauth2/v2.0/token")));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let answer: Value = request
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT),
            ("client_secret", SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    let token = answer["access_token"].as_str().expect("a token").to_owned();
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .expect("a JWT")
        .claims;
    (token, claims)
}

#[tokio::test]
async fn a_foreign_host_gets_the_canonical_address_in_issuers_endpoints_and_contexts() {
    let (server, _dir) = server_with(&[]).await;
    let own = &server.origin;
    // Addressed to the server's own address: answered as that address.
    let document = discovery(&server, &[]).await;
    assert_eq!(document["issuer"], format!("{own}/{TENANT}/v2.0"));
    // Addressed to `localhost` on another port (a mapped container port): its own too.
    let document = discovery(&server, &[("Host", "localhost:49999")]).await;
    assert_eq!(
        document["issuer"],
        format!("http://localhost:49999/{TENANT}/v2.0")
    );
    // Before: evil.example everywhere. Now: the canonical address (the listen address).
    for headers in [
        vec![("Host", "evil.example")],
        vec![
            ("X-Forwarded-Host", "evil.example"),
            ("X-Forwarded-Proto", "https"),
        ],
        vec![("Forwarded", "host=evil.example;proto=https")],
    ] {
        let document = discovery(&server, &headers).await;
        for field in [
            "issuer",
            "jwks_uri",
            "token_endpoint",
            "device_authorization_endpoint",
        ] {
            let value = document[field].as_str().expect(field);
            assert!(
                value.starts_with(&format!("{own}/")),
                "{headers:?}: {field} = {value}"
            );
        }
        let (token, claims) = token(&server, &headers).await;
        assert_eq!(claims["iss"], format!("{own}/{TENANT}/v2.0"), "{headers:?}");
        // And the API takes the token, naming itself as addressed in `@odata.context`.
        let mut request = server
            .http()
            .get(server.url("/v1.0/users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence"))
            .bearer_auth(&token);
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("answers");
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("JSON");
        let context = body["@odata.context"].as_str().expect("a context");
        assert!(
            context.starts_with(&format!("{own}/v1.0/$metadata")),
            "{context}"
        );
    }
    // The device flow's verification URI as well.
    let response = server
        .http()
        .post(server.url(&format!("/{TENANT}/oauth2/v2.0/devicecode")))
        .header("Host", "evil.example")
        .form(&[("client_id", CLIENT), ("scope", "Presence.Read")])
        .send()
        .await
        .expect("answers");
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(
        answer["verification_uri"],
        format!("{own}/devicelogin"),
        "{answer}"
    );
}

#[tokio::test]
async fn public_urls_name_the_server_and_trusted_proxies_are_believed() {
    let (server, _dir) = server_with(&[
        "--public-url",
        "http://presence:8080",
        "--public-url",
        "https://presence.example.com",
        "--trusted-proxy",
        "127.0.0.1",
    ])
    .await;
    // Addressed to a public URL: answered as it.
    let document = discovery(&server, &[("Host", "presence:8080")]).await;
    assert_eq!(
        document["issuer"],
        format!("http://presence:8080/{TENANT}/v2.0")
    );
    // Anything else: the first public URL.
    let document = discovery(&server, &[("Host", "evil.example")]).await;
    assert_eq!(
        document["issuer"],
        format!("http://presence:8080/{TENANT}/v2.0")
    );
    // From a trusted proxy (the test runs on 127.0.0.1): the scheme and host it forwards,
    // checked like Host.
    let proxied = [
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "presence.example.com"),
    ];
    let document = discovery(&server, &proxied).await;
    assert_eq!(
        document["issuer"],
        format!("https://presence.example.com/{TENANT}/v2.0")
    );
    let (token, claims) = token(&server, &proxied).await;
    assert_eq!(
        claims["iss"],
        format!("https://presence.example.com/{TENANT}/v2.0")
    );
    let (status, body) = server
        .call(
            reqwest::Method::GET,
            "/v1.0/users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence",
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let document = discovery(
        &server,
        &[
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "evil.example"),
        ],
    )
    .await;
    assert_eq!(
        document["issuer"],
        format!("http://presence:8080/{TENANT}/v2.0")
    );
}

/// Wrong device codes sent from `client` (as `X-Forwarded-For`) until the 429, and then one
/// from `other`: whether the other client was locked out too.
async fn other_client_locked(server: &TestServer, client: &str, other: &str) -> bool {
    let page = |from: &str| {
        let request = server
            .http()
            .post(server.url("/devicelogin"))
            .header("X-Forwarded-For", from)
            .form(&[
                ("user_code", "BCDFGHJK"),
                ("login_hint", ALICE_UPN),
                ("password", PASSWORD),
            ]);
        async move { request.send().await.expect("answers").status().as_u16() }
    };
    for _ in 0..10 {
        assert_eq!(page(client).await, 400);
    }
    assert_eq!(page(client).await, 429);
    page(other).await == 429
}

#[tokio::test]
async fn the_client_address_is_the_forwarded_one_only_behind_a_trusted_proxy() {
    let (server, _dir) = server_with(&["--trusted-proxy", "127.0.0.0/8"]).await;
    assert!(
        !other_client_locked(&server, "203.0.113.1", "203.0.113.2").await,
        "behind a trusted proxy, each forwarded client has its own guessing limit"
    );
    let (server, _dir) = server_with(&[]).await;
    assert!(
        other_client_locked(&server, "203.0.113.1", "203.0.113.2").await,
        "from an untrusted peer, X-Forwarded-For is ignored: the peer is the client"
    );
}
