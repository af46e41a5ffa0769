//! `presencectl token`: the tokens it mints are the ones the server accepts.

use std::process::Output;

use presence_test_support::TestServer;
use serde_json::Value;

const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";

fn presencectl(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_presencectl"))
        .args(args)
        .env_remove("PRESENCE_JWT_SECRET")
        .output()
        .expect("presencectl runs")
}

fn mint(server: &TestServer, extra: &[&str]) -> String {
    let data_dir = server.data_dir.to_str().expect("utf-8 path");
    let mut args = vec!["token", "--data-dir", data_dir];
    args.extend_from_slice(extra);
    let output = presencectl(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("text")
        .trim()
        .to_owned()
}

async fn get(server: &TestServer, path: &str, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn application_and_delegated_tokens_work_with_the_server_secret() {
    let server = TestServer::start_with(&[]).await;
    let app = mint(&server, &[]);
    let (status, body) = get(&server, &format!("/v1.0/users/{USER}/presence"), &app).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = get(&server, "/v1.0/me/presence", &app).await;
    assert_eq!(status, 400, "an application token has no /me");

    let delegated = mint(
        &server,
        &["--user", USER, "--scopes", "Presence.Read", "--for", "10m"],
    );
    let (status, body) = get(&server, "/v1.0/me/presence", &delegated).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], USER);
    let (status, _) = get(
        &server,
        "/v1.0/users/66825e03-7ef5-42da-9069-724602c31f6b/presence",
        &delegated,
    )
    .await;
    assert_eq!(status, 403, "Presence.Read covers only the signed-in user");

    let reader = mint(&server, &["--roles", "Presence.Read.All"]);
    let response = reqwest::Client::new()
        .post(server.url(&format!("/v1.0/users/{USER}/presence/setPresence")))
        .bearer_auth(&reader)
        .json(&serde_json::json!({"availability": "Available", "activity": "Available"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 403, "a read-only role cannot write");
}

#[tokio::test]
async fn a_token_needs_a_secret_and_a_valid_lifetime() {
    let empty = tempfile::tempdir().expect("temporary directory");
    let output = presencectl(&["token", "--data-dir", empty.path().to_str().expect("utf-8")]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("jwt-secret"));
    let output = presencectl(&["token", "--secret", "0123456789abcdef0123", "--for", "soon"]);
    assert!(!output.status.success());
    let output = presencectl(&[
        "token",
        "--secret",
        "0123456789abcdef0123",
        "--for",
        "PT30M",
    ]);
    assert!(output.status.success());
}

#[tokio::test]
async fn an_admin_token_opens_the_admin_api_and_an_ordinary_one_does_not() {
    let server = TestServer::start_with(&["--clock", "manual"]).await;
    let (status, body) = get(&server, "/admin/clock", &mint(&server, &[])).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "Forbidden");
    let (status, body) = get(&server, "/admin/clock", &mint(&server, &["--admin"])).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["now"].is_string(), "{body}");
}
