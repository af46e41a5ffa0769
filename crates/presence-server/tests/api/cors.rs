//! #25 item 1: browser apps on other origins call Graph's API and the authority's endpoints
//! (CORS), as Graph and Entra let them; the control plane, the dashboard and the sign-in
//! pages stay same-origin. (The same in a real browser: `browser_app.rs`.)

use presence_test_support::TestServer;
use reqwest::{Method, Response};

use crate::authority::{TENANT, certificate, identities};

const PAGE: &str = "http://127.0.0.1:5173";

async fn preflight(server: &TestServer, path: &str, method: &str, headers: &str) -> Response {
    server
        .http()
        .request(Method::OPTIONS, server.url(path))
        .header("Origin", PAGE)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", headers)
        .send()
        .await
        .expect("answers")
}

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn graph_and_the_authority_answer_other_origins_and_the_rest_stays_same_origin() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server = TestServer::start_with(&["--identities", file.to_str().expect("utf-8")]).await;

    // The Graph Toolkit's preflight, refused with 405 before.
    let answer = preflight(
        &server,
        "/v1.0/users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence",
        "GET",
        "authorization,client-request-id,sdkversion",
    )
    .await;
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(header(&answer, "access-control-allow-origin"), "*");
    assert_eq!(
        header(&answer, "access-control-allow-headers"),
        "authorization,client-request-id,sdkversion"
    );
    for method in ["GET", "POST", "PATCH", "DELETE"] {
        assert!(
            header(&answer, "access-control-allow-methods").contains(method),
            "{method}"
        );
    }
    assert!(!header(&answer, "access-control-max-age").is_empty());
    let answer = preflight(
        &server,
        "/beta/$batch",
        "POST",
        "authorization,content-type",
    )
    .await;
    assert!(answer.status().is_success(), "$batch: {}", answer.status());

    // Every answer to the page carries the origin rule, errors included, and Graph's expose
    // its headers (so the page reads Retry-After and request-id).
    for (path, status) in [
        (
            "/v1.0/users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence",
            401,
        ),
        ("/v1.0/no/such/thing", 404),
        ("/v1.0/$metadata", 200),
    ] {
        let answer = server
            .http()
            .get(server.url(path))
            .header("Origin", PAGE)
            .send()
            .await
            .expect("answers");
        assert_eq!(answer.status(), status, "{path}");
        assert_eq!(
            header(&answer, "access-control-allow-origin"),
            "*",
            "{path}"
        );
        let exposed = header(&answer, "access-control-expose-headers").to_lowercase();
        for name in ["request-id", "client-request-id", "retry-after", "location"] {
            assert!(exposed.contains(name), "{path} exposes {name}: {exposed}");
        }
    }

    // MSAL.js's calls to the authority: discovery, instance discovery, keys, the token and
    // device-code endpoints (a refusal too).
    for path in [
        format!("/{TENANT}/v2.0/.well-known/openid-configuration"),
        "/common/discovery/instance?api-version=1.1".to_owned(),
        format!("/{TENANT}/discovery/v2.0/keys"),
    ] {
        let answer = server
            .http()
            .get(server.url(&path))
            .header("Origin", PAGE)
            .send()
            .await
            .expect("answers");
        assert_eq!(answer.status(), 200, "{path}");
        assert_eq!(
            header(&answer, "access-control-allow-origin"),
            "*",
            "{path}"
        );
    }
    for path in [
        format!("/{TENANT}/oauth2/v2.0/token"),
        format!("/{TENANT}/oauth2/v2.0/devicecode"),
    ] {
        let answer = preflight(&server, &path, "POST", "content-type").await;
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        let refused = server
            .http()
            .post(server.url(&path))
            .header("Origin", PAGE)
            .form(&[
                ("client_id", "00000000-0000-4000-8000-0000000000ff"),
                ("grant_type", "client_credentials"),
                ("scope", "https://graph.microsoft.com/.default"),
            ])
            .send()
            .await
            .expect("answers");
        assert!(refused.status().is_client_error(), "{path}");
        assert_eq!(
            header(&refused, "access-control-allow-origin"),
            "*",
            "{path}"
        );
    }

    // Same-origin surfaces: no CORS answer, whatever the origin asks.
    for path in [
        "/admin/info".to_owned(),
        "/ui/".to_owned(),
        format!("/{TENANT}/oauth2/v2.0/authorize"),
        "/devicelogin".to_owned(),
    ] {
        let answer = preflight(&server, &path, "GET", "authorization").await;
        assert!(
            header(&answer, "access-control-allow-origin").is_empty(),
            "{path} answered a preflight"
        );
        let answer = server
            .http()
            .get(server.url(&path))
            .header("Origin", PAGE)
            .send()
            .await
            .expect("answers");
        assert!(
            header(&answer, "access-control-allow-origin").is_empty(),
            "{path} answered another origin"
        );
    }
}

#[tokio::test]
async fn cors_origins_restricts_the_origins_answered() {
    let server = TestServer::start_with(&[
        "--auth",
        "none",
        "--cors-origins",
        "HTTP://127.0.0.1:5173,https://app.example",
    ])
    .await;
    let path = "/v1.0/users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence";
    let answer = preflight(&server, path, "GET", "authorization").await;
    assert!(answer.status().is_success());
    assert_eq!(header(&answer, "access-control-allow-origin"), PAGE);
    assert!(header(&answer, "vary").contains("Origin"));
    let answer = server
        .http()
        .get(server.url(path))
        .header("Origin", PAGE)
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
    assert_eq!(header(&answer, "access-control-allow-origin"), PAGE);
    assert!(header(&answer, "vary").contains("Origin"));

    // Another origin: its preflight is refused in Graph's shape, its requests get no rule.
    let refused = server
        .http()
        .request(Method::OPTIONS, server.url(path))
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .expect("answers");
    assert_eq!(refused.status(), 403);
    assert!(header(&refused, "access-control-allow-origin").is_empty());
    let body: serde_json::Value = refused.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "Forbidden");
    let answer = server
        .http()
        .get(server.url(path))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .expect("answers");
    assert!(header(&answer, "access-control-allow-origin").is_empty());

    // A malformed origin is refused at start.
    let bad = tokio::process::Command::new(presence_test_support::binary("presence-server"))
        .args(["--in-memory", "--cors-origins", "https://app.example/path"])
        .output()
        .await
        .expect("runs");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("without a path"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}
