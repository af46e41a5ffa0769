//! The request and delivery journals.

use presence_test_support::{TestServer, WebhookReceiver};

use super::*;

#[tokio::test]
async fn every_api_request_is_journaled_newest_first_with_who_and_what() {
    let server = server().await;
    let token = writer(&server, TENANT);
    let answer = reqwest::Client::new()
        .post(server.url(&format!(
            "/beta/users/{}/presence/microsoft.graph.setPresence",
            ALICE.to_uppercase()
        )))
        .bearer_auth(&token)
        .header("client-request-id", "my-correlation-id")
        .json(&json!({"sessionId": APP, "availability": "Busy", "activity": "InACall"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
    let request_id = answer.headers()["request-id"]
        .to_str()
        .expect("text")
        .to_owned();
    presence(&server, &token, BOB).await;
    let (status, _) = server
        .call(
            reqwest::Method::GET,
            "/v1.0/users/%00/presence",
            &token,
            None,
        )
        .await;
    assert_eq!(status, 400);
    let admin = server.admin_client();
    admin.admin_info().send().await.expect("info");

    let all = admin
        .admin_list_requests()
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    let operations: Vec<Option<&str>> = all.iter().map(|e| e.operation.as_deref()).collect();
    assert_eq!(
        operations,
        [
            Some("get_presence"),
            Some("get_presence"),
            Some("set_presence")
        ],
        "newest first, and /admin is not journaled: {all:?}"
    );
    let set = &all[2];
    assert_eq!((set.method.as_str(), set.status), ("POST", 200));
    assert_eq!(set.tenant.as_deref(), Some(TENANT));
    assert_eq!(set.application.as_deref(), Some(APP));
    assert_eq!(set.user.as_deref(), Some(ALICE));
    assert_eq!(set.request_id, request_id);
    assert_eq!(set.client_request_id, "my-correlation-id");
    assert!(set.path.ends_with("microsoft.graph.setPresence"));
    assert!(set.duration_ms > 0.0);
    assert!(
        set.request_body.is_none() && set.request_headers.is_none(),
        "no bodies unless asked"
    );
    assert!(all[0].sequence > all[1].sequence && all[1].sequence > all[2].sequence);

    let failed = admin
        .admin_list_requests()
        .status(400)
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    assert_eq!(failed.len(), 1);
    let sets = admin
        .admin_list_requests()
        .operation("set_presence")
        .tenant(TENANT)
        .application(APP)
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    assert_eq!(sets.len(), 1);
    let after = admin
        .admin_list_requests()
        .after(set.sequence)
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    assert_eq!(after.len(), 2);
    let later = admin
        .admin_list_requests()
        .since("2999-01-01T00:00:00Z")
        .send()
        .await
        .expect("lists");
    assert!(later.into_inner().value.is_empty());

    admin.admin_clear_requests().send().await.expect("clears");
    assert!(
        admin
            .admin_list_requests()
            .send()
            .await
            .expect("lists")
            .into_inner()
            .value
            .is_empty()
    );
}

#[tokio::test]
async fn with_bodies_the_journal_keeps_them_and_never_the_token() {
    let server = TestServer::start_with(&["--journal-bodies"]).await;
    let token = writer(&server, TENANT);
    set_available(&server, &token, ALICE).await;
    presence(&server, &token, ALICE).await;
    let all = server
        .admin_client()
        .admin_list_requests()
        .send()
        .await
        .expect("lists")
        .into_inner()
        .value;
    let (get, set) = (&all[0], &all[1]);
    let body: Value =
        serde_json::from_str(set.request_body.as_deref().expect("kept")).expect("JSON");
    assert_eq!(body["availability"], "Busy");
    let headers = set.request_headers.as_ref().expect("kept");
    assert_eq!(
        headers.get("authorization").map(String::as_str),
        Some("[redacted]")
    );
    let text = serde_json::to_string(&all).expect("JSON");
    assert!(
        !text.contains(&token),
        "the token is nowhere in the journal"
    );
    let answer: Value =
        serde_json::from_str(get.response_body.as_deref().expect("kept")).expect("JSON");
    assert_eq!(answer["availability"], "Busy");
}

#[tokio::test]
async fn the_journal_is_bounded_and_can_be_off() {
    let small = TestServer::start_with(&["--auth", "none", "--journal", "3"]).await;
    let off = TestServer::start_with(&["--auth", "none", "--journal", "0"]).await;
    for server in [&small, &off] {
        for _ in 0..5 {
            reqwest::get(server.url(&format!("/v1.0/users/{ALICE}/presence")))
                .await
                .expect("answers");
        }
    }
    let kept = |server: &TestServer| {
        let admin = server.admin_client();
        async move {
            admin
                .admin_list_requests()
                .top(100)
                .send()
                .await
                .expect("lists")
                .into_inner()
                .value
        }
    };
    let entries = kept(&small).await;
    assert_eq!(
        entries.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        [5, 4, 3]
    );
    assert!(kept(&off).await.is_empty());
}

#[tokio::test]
async fn every_delivery_attempt_is_journaled() {
    let server = server().await;
    let receiver = WebhookReceiver::start().await;
    let subscription = subscribe(
        &server,
        &subscriber(&server, TENANT),
        &receiver.url,
        &[ALICE],
    )
    .await;
    receiver.answer_next_with(&[500]);
    set_available(&server, &writer(&server, TENANT), ALICE).await;
    receiver
        .wait_for(1, std::time::Duration::from_secs(10))
        .await;
    let admin = server.admin_client();
    // The receiver has the notification a moment before the dispatcher journals its answer.
    let mut attempts = Vec::new();
    for _ in 0..50 {
        attempts = admin
            .admin_list_deliveries()
            .subscription(&subscription)
            .send()
            .await
            .expect("lists")
            .into_inner()
            .value;
        if attempts.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    let (second, first) = (&attempts[0], &attempts[1]);
    assert_eq!(
        (first.attempt, first.status, first.outcome.as_str()),
        (1, Some(500), "retrying")
    );
    assert!(first.next_retry.is_some());
    assert_eq!(
        (second.attempt, second.status, second.outcome.as_str()),
        (2, Some(202), "delivered")
    );
    assert_eq!(
        (second.user.as_str(), second.tenant.as_str()),
        (ALICE, TENANT)
    );
    let delivered = admin
        .admin_list_deliveries()
        .outcome("delivered")
        .send()
        .await
        .expect("lists");
    assert_eq!(delivered.into_inner().value.len(), 1);
}
