//! `$batch` reaches Graph resources only, and the journal keeps no credential.

use serde_json::{Value, json};

use presence_test_support::{TestServer, app_token};

const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";

#[tokio::test]
async fn inner_requests_cannot_leave_the_graph_api_and_no_credential_is_journaled() {
    let server = TestServer::start_with(&["--journal-bodies"]).await;
    // A token with no permission at all.
    let token = app_token(&server.secret(), "t", APP, &[]);
    let form = "grant_type=client_credentials&client_id=x&client_secret=guess-1&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
    let escapes = [
        "../t/oauth2/v2.0/token",
        "/v1.0/../t/oauth2/v2.0/token",
        "%2e%2e/t/oauth2/v2.0/token",
        "..%2ft/oauth2/v2.0/token",
        "..\\t/oauth2/v2.0/token",
        "/beta/../../admin/info",
        "../livez",
    ];
    let mut requests: Vec<Value> = escapes
        .iter()
        .enumerate()
        .map(|(i, url)| {
            json!({"id": i.to_string(), "method": "POST", "url": url, "body": form,
                   "headers": {"content-type": "application/x-www-form-urlencoded"}})
        })
        .collect();
    requests.push(
        json!({"id": "crlf", "method": "GET", "url": format!("/users/{USER}/presence"),
                         "headers": {"x-injected": "a\r\nx-other: b"}}),
    );
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/$batch",
            &token,
            Some(json!({"requests": requests})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for answer in body["responses"].as_array().expect("responses") {
        // 400, or a Graph 404 for a path that stays under the version (`..%2f` is a name).
        let status = answer["status"].as_u64().unwrap_or_default();
        assert!(
            status == 400 || status == 404,
            "never reaches anything else: {answer}"
        );
        let text = answer.to_string();
        assert!(
            !text.contains("AADSTS") && !text.contains("access_token"),
            "{text}"
        );
    }

    let journal = server
        .admin_client()
        .admin_list_requests()
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    let all = serde_json::to_string(&journal).expect("JSON");
    assert!(
        !all.contains("guess-1"),
        "the secret is not journaled: {all}"
    );
    assert!(
        journal
            .iter()
            .all(|entry| !entry.path.contains("oauth2") || entry.path.starts_with("/v1.0/")),
        "no authority request was journaled: {all}"
    );

    // Headers that carry credentials are redacted too.
    let response = reqwest::Client::new()
        .get(server.url(&format!("/v1.0/users/{USER}/presence")))
        .bearer_auth(app_token(
            &server.secret(),
            "t",
            APP,
            &["Presence.Read.All"],
        ))
        .header("cookie", "session=cookie-secret")
        .header("proxy-authorization", "Basic proxy-secret")
        .header("x-api-key", "key-secret")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let journal = server
        .admin_client()
        .admin_list_requests()
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    let all = serde_json::to_string(&journal).expect("JSON");
    for secret in ["cookie-secret", "proxy-secret", "key-secret"] {
        assert!(!all.contains(secret), "{secret} is not journaled: {all}");
    }
}
