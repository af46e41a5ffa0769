//! Versions, path aliases, unknown paths and methods, health.

use presence_client::types::{Activity, Availability};
use serde_json::{Value, json};

use presence_test_support::{APP, TestServer, USER, get_presence, set_presence};

#[tokio::test]
async fn both_versions_and_every_alias_reach_the_same_presence() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let body = |availability: &str, activity: &str| json!({"sessionId": APP, "availability": availability, "activity": activity, "expirationDuration": "PT1H"});
    let writes = [
        (
            "/v1.0/users/{id}/presence/setPresence",
            "Available",
            "Available",
        ),
        ("/beta/users/{id}/presence/setPresence", "Busy", "InACall"),
        (
            "/v1.0/communications/presences/{id}/setPresence",
            "Away",
            "Away",
        ),
        (
            "/beta/users/{id}/presence/microsoft.graph.setPresence",
            "DoNotDisturb",
            "Presenting",
        ),
        (
            "/v1.0/communications/presences/{id}/microsoft.graph.setPresence",
            "Busy",
            "InAConferenceCall",
        ),
    ];
    for (path, availability, activity) in writes {
        let response = http
            .post(server.url(&path.replace("{id}", USER)))
            .json(&body(availability, activity))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 200, "{path}");
        for read in [
            "/v1.0/users/{id}/presence",
            "/beta/users/{id}/presence",
            "/v1.0/communications/presences/{id}",
        ] {
            let presence: Value = http
                .get(server.url(&read.replace("{id}", USER)))
                .send()
                .await
                .expect("answers")
                .json()
                .await
                .expect("JSON");
            assert_eq!(presence["availability"], availability, "{path} then {read}");
            assert_eq!(presence["activity"], activity, "{path} then {read}");
        }
    }
    let beta: Value = http
        .get(server.url(&format!("/beta/users/{USER}/presence")))
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert!(
        beta["@odata.context"]
            .as_str()
            .is_some_and(|c| c.contains("/beta/$metadata#")),
        "{beta}"
    );

    let cleared = http
        .post(server.url(&format!(
            "/beta/communications/presences/{USER}/microsoft.graph.clearPresence"
        )))
        .json(&json!({"sessionId": APP}))
        .send()
        .await
        .expect("answers");
    assert_eq!(cleared.status(), 200);
}

#[tokio::test]
async fn the_generated_client_works_against_beta() {
    let server = TestServer::start().await;
    let client = server.client_for("beta");
    set_presence(&client, USER, APP, Availability::Away, Activity::Away, None).await;
    let presence = get_presence(&client, USER).await;
    assert_eq!(presence.availability, Availability::Away);
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_get_envelopes() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let cases = [
        (
            reqwest::Method::GET,
            format!("/v1.0/users/{USER}/presence/setPresence"),
            405,
            "MethodNotAllowed",
        ),
        (
            reqwest::Method::DELETE,
            format!("/v1.0/users/{USER}/presence"),
            405,
            "MethodNotAllowed",
        ),
        (
            reqwest::Method::POST,
            "/healthz".to_owned(),
            405,
            "MethodNotAllowed",
        ),
        (
            reqwest::Method::GET,
            "/v2.0/users/x/presence".to_owned(),
            404,
            "NotFound",
        ),
        (
            reqwest::Method::POST,
            format!("/v1.0/users/{USER}/presence/setNothing"),
            404,
            "NotFound",
        ),
        (reqwest::Method::GET, "/".to_owned(), 404, "NotFound"),
    ];
    for (method, path, status, code) in cases {
        let response = http
            .request(method.clone(), server.url(&path))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        assert!(
            response.headers().contains_key("request-id"),
            "{method} {path}"
        );
        let envelope: Value = response.json().await.expect("JSON envelope");
        assert_eq!(
            envelope["error"]["code"], code,
            "{method} {path}: {envelope}"
        );
    }
}

#[tokio::test]
async fn healthz_answers_while_the_database_is_reachable() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.url("/healthz")).await.expect("answers");
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("request-id"));
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn livez_answers_without_touching_anything() {
    let server = TestServer::start_with(&[]).await;
    let response = reqwest::get(server.url("/livez")).await.expect("answers");
    assert_eq!(response.status(), 200, "no token needed for liveness");
}

#[tokio::test]
async fn the_openapi_document_and_an_offline_explorer_are_served() {
    let server = TestServer::start_with(&[]).await;
    let served: Value = reqwest::get(server.url("/openapi.json"))
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    let committed: Value = serde_json::from_str(include_str!("../../../../openapi/presence.json"))
        .expect("the committed spec is JSON");
    assert_eq!(served, committed, "/openapi.json is the committed document");

    let page = reqwest::get(server.url("/docs")).await.expect("answers");
    assert_eq!(page.status(), 200, "/docs redirects to the explorer");
    let html = page.text().await.expect("text");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("cdn.") && !html.contains("unpkg.com"),
        "no asset from a CDN"
    );
    let script = reqwest::get(server.url("/docs/swagger-ui-bundle.js"))
        .await
        .expect("answers");
    assert_eq!(
        script.status(),
        200,
        "the explorer's assets are in the binary"
    );
    let config = reqwest::get(server.url("/docs/swagger-initializer.js"))
        .await
        .expect("answers");
    assert!(config.text().await.expect("text").contains("/openapi.json"));
}

#[tokio::test]
async fn the_context_urls_resolve_to_a_csdl_document() {
    let server = TestServer::start_with(&[]).await;
    let token =
        presence_test_support::app_token(&server.secret(), "t", APP, &["Presence.Read.All"]);
    let (status, presence) = server
        .call(
            reqwest::Method::GET,
            &format!("/beta/users/{USER}/presence"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let context = presence["@odata.context"].as_str().expect("a context");
    let (document_url, fragment) = context.split_once('#').expect("url#fragment");
    assert_eq!(fragment, format!("users('{USER}')/presence/$entity"));
    // Anonymous, as Graph's is.
    let response = reqwest::get(document_url).await.expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/xml");
    let csdl = response.text().await.expect("text");
    assert!(csdl.starts_with("<?xml"));
    for needed in [
        "<EntityType Name=\"presence\"",
        "<EntitySet Name=\"users\"",
        "<Singleton Name=\"communications\"",
        "<ComplexType Name=\"outOfOfficeSettings\"",
    ] {
        assert!(csdl.contains(needed), "{needed}");
    }
    for action in [
        "setPresence",
        "clearPresence",
        "setUserPreferredPresence",
        "clearUserPreferredPresence",
        "setStatusMessage",
        "setManualLocation",
        "setAutomaticLocation",
        "clearAutomaticLocation",
        "clearLocation",
        "getPresencesByUserId",
        "reauthorize",
    ] {
        assert!(
            csdl.contains(&format!("<Action Name=\"{action}\"")),
            "{action}"
        );
    }
    assert_eq!(
        csdl.matches("<EntityType ").count(),
        csdl.matches("</EntityType>").count()
    );
    let post = reqwest::Client::new()
        .post(server.url("/v1.0/$metadata"))
        .send()
        .await
        .expect("answers");
    assert_eq!(post.status(), 405);
}
