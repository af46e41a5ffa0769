//! JSON batching (`POST /$batch`): each inner request runs as if made alone (its own
//! authorization, throttling and journal entry); `dependsOn` orders them and a failed
//! dependency answers 424; a malformed batch is 400 as a whole.

use presence_test_support::{TestServer, app_token};
use serde_json::{Value, json};

const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const OTHER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const JSON: &str = "application/json";

fn answer<'a>(batch: &'a Value, id: &str) -> &'a Value {
    batch["responses"]
        .as_array()
        .and_then(|all| all.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no answer {id} in {batch}"))
}

#[tokio::test]
async fn a_batch_runs_its_requests_in_dependency_order() {
    let server = TestServer::start_with(&[]).await;
    let writer = app_token(&server.secret(), "t", APP, &["Presence.ReadWrite.All"]);
    let batch = json!({"requests": [
        {"id": "read", "method": "GET", "url": format!("/users/{USER}/presence"), "dependsOn": ["set"]},
        {"id": "set", "method": "POST", "url": format!("users/{USER}/presence/setPresence"),
         "headers": {"Content-Type": JSON},
         "body": {"sessionId": APP, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"}},
        {"id": "bulk", "method": "POST", "url": "/communications/getPresencesByUserId",
         "headers": {"Content-Type": JSON}, "body": {"ids": [USER]}, "dependsOn": ["set"]},
        {"id": "missing", "method": "POST", "url": format!("/users/{OTHER}/presence/clearPresence"),
         "headers": {"Content-Type": JSON}, "body": {"sessionId": APP}},
        {"id": "after-missing", "method": "GET", "url": format!("/users/{USER}/presence"), "dependsOn": ["missing"]}
    ]});
    let (status, body) = server
        .call(reqwest::Method::POST, "/v1.0/$batch", &writer, Some(batch))
        .await;
    assert_eq!(status, 200, "{body}");
    // The official Python SDK sends absolute URLs: taken by their path.
    let absolute = json!({"requests": [{"id": "a", "method": "GET",
        "url": format!("https://graph.microsoft.com/beta/users/{USER}/presence")}]});
    let (status, answered) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/$batch",
            &writer,
            Some(absolute),
        )
        .await;
    assert_eq!(
        (status, answered["responses"][0]["status"].as_u64()),
        (200, Some(200)),
        "{answered}"
    );
    let ids: Vec<&str> = body["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["read", "set", "bulk", "missing", "after-missing"],
        "in the order of the requests"
    );
    assert_eq!(answer(&body, "set")["status"], 200);
    let read = answer(&body, "read");
    assert_eq!(
        (read["status"].as_u64(), read["body"]["activity"].as_str()),
        (Some(200), Some("InACall"))
    );
    assert!(
        read["headers"]["Content-Type"]
            .as_str()
            .is_some_and(|c| c.starts_with(JSON))
    );
    assert_eq!(
        answer(&body, "bulk")["body"]["value"][0]["availability"],
        "Busy"
    );
    assert_eq!(answer(&body, "missing")["status"], 404);
    let skipped = answer(&body, "after-missing");
    assert_eq!(
        (
            skipped["status"].as_u64(),
            skipped["body"]["error"]["code"].as_str()
        ),
        (Some(424), Some("failedDependency"))
    );

    // Each inner request is authorised on its own: a reader's batch may read, not write.
    let reader = app_token(&server.secret(), "t", APP, &["Presence.Read.All"]);
    let mixed = json!({"requests": [
        {"id": "1", "method": "GET", "url": format!("/users/{USER}/presence")},
        {"id": "2", "method": "POST", "url": format!("/users/{USER}/presence/clearPresence"),
         "headers": {"content-type": JSON}, "body": {"sessionId": APP}}
    ]});
    let (status, body) = server
        .call(reqwest::Method::POST, "/beta/$batch", &reader, Some(mixed))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            answer(&body, "1")["status"].as_u64(),
            answer(&body, "2")["status"].as_u64()
        ),
        (Some(200), Some(403))
    );
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/$batch",
            "not-a-token",
            Some(json!({"requests": []})),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn throttled_inner_requests_are_429_inside_a_200_batch_and_each_is_journaled() {
    let server = TestServer::start_with(&["--throttle", "3"]).await;
    let reader = app_token(&server.secret(), "t", APP, &["Presence.Read.All"]);
    let requests: Vec<Value> = (0..5)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": format!("/users/{USER}/presence")}))
        .collect();
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/$batch",
            &reader,
            Some(json!({"requests": requests})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let throttled: Vec<&Value> = body["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .filter(|r| r["status"] == 429)
        .collect();
    assert!(!throttled.is_empty(), "{body}");
    assert!(
        throttled
            .iter()
            .all(|r| r["headers"]["Retry-After"].as_str().is_some()),
        "{body}"
    );
    let journal = server
        .admin_client()
        .admin_list_requests()
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    let gets = journal
        .iter()
        .filter(|e| e.operation.as_deref() == Some("get_presence"))
        .count();
    let batches = journal
        .iter()
        .filter(|e| e.operation.as_deref() == Some("batch"))
        .count();
    assert_eq!((gets, batches), (5, 1), "{journal:?}");
}

#[tokio::test]
async fn a_malformed_batch_is_refused_whole() {
    let server = TestServer::start().await;
    let get =
        |id: &str| json!({"id": id, "method": "GET", "url": format!("/users/{USER}/presence")});
    let cases = [
        json!({"requests": []}),
        json!({"requests": (0..21).map(|i| get(&i.to_string())).collect::<Vec<_>>()}),
        json!({"requests": [get("1"), get("1")]}),
        json!({"requests": [{"id": "1", "method": "GET", "url": "/users/x/presence", "dependsOn": ["2"]}]}),
        json!({"requests": [
            {"id": "1", "method": "GET", "url": "/users/x/presence", "dependsOn": ["2"]},
            {"id": "2", "method": "GET", "url": "/users/x/presence", "dependsOn": ["1"]}]}),
        json!({"requests": [{"id": "1", "method": "POST", "url": "/users/x/presence/clearPresence", "body": {}}]}),
        json!({"requests": [{"id": "1", "method": "GET", "url": "/users/x /presence"}]}),
        json!({"requests": [{"id": "1", "method": "TRACE", "url": "/users/x/presence"}]}),
    ];
    for case in cases {
        let (status, body) = server
            .call(
                reqwest::Method::POST,
                "/v1.0/$batch",
                "",
                Some(case.clone()),
            )
            .await;
        assert_eq!(status, 400, "{case}: {body}");
        assert_eq!(body["error"]["code"], "BadRequest");
    }
}
