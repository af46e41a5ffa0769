//! `POST /admin/reset`: one user, one tenant, everything; nothing announced, streams see the
//! user go offline, `sequenceNumber` keeps growing.

use std::time::Duration;

use presence_client::types::ResetScope;
use presence_test_support::WebhookReceiver;
use tokio_stream::StreamExt;

use super::*;

fn scope(tenant: Option<&str>, user: Option<&str>) -> ResetScope {
    ResetScope {
        tenant: tenant.map(str::to_owned),
        user: user.map(str::to_owned),
    }
}

#[tokio::test]
async fn resetting_a_user_clears_only_that_user_and_announces_nothing() {
    let server = server().await;
    let (token, watcher) = (writer(&server, TENANT), subscriber(&server, TENANT));
    let receiver = WebhookReceiver::start().await;
    set_available(&server, &token, ALICE).await;
    set_available(&server, &token, BOB).await;
    let subscription = subscribe(&server, &watcher, &receiver.url, &[ALICE]).await;
    let (_, _, before) = presence(&server, &token, ALICE).await;

    let outcome = server
        .admin_client()
        .admin_reset()
        .body(scope(Some(TENANT), Some(&ALICE.to_uppercase())))
        .send()
        .await
        .expect("reset answers")
        .into_inner();
    assert_eq!((outcome.users, outcome.subscriptions), (1, 0));

    let (availability, activity, after) = presence(&server, &token, ALICE).await;
    assert_eq!(
        (availability.as_str(), activity.as_str()),
        ("Offline", "Offline")
    );
    // Sequence numbers sort as strings like the numbers they stand for.
    assert!(
        after > before,
        "sequenceNumber went from {before} to {after}"
    );
    assert_eq!(presence(&server, &token, BOB).await.0, "Busy");
    // Several scans later, still nothing was announced for the reset.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        receiver.notifications().is_empty(),
        "{:?}",
        receiver.notifications()
    );
    // The subscription survived and still reports real changes.
    set_available(&server, &token, ALICE).await;
    let delivered = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(delivered[0]["subscriptionId"], subscription.as_str());
    assert_eq!(delivered[0]["resourceData"]["availability"], "Busy");
}

#[tokio::test]
async fn resetting_a_tenant_removes_its_subscriptions_and_leaves_other_tenants_alone() {
    let server = server().await;
    let receiver = WebhookReceiver::start().await;
    for tenant in [TENANT, OTHER_TENANT] {
        set_available(&server, &writer(&server, tenant), ALICE).await;
        subscribe(
            &server,
            &subscriber(&server, tenant),
            &receiver.url,
            &[ALICE],
        )
        .await;
    }
    let outcome = server
        .admin_client()
        .admin_reset()
        .body(scope(Some(TENANT), None))
        .send()
        .await
        .expect("reset answers")
        .into_inner();
    assert_eq!((outcome.users, outcome.subscriptions), (1, 1));
    let (status, list) = server
        .call(
            reqwest::Method::GET,
            "/v1.0/subscriptions",
            &subscriber(&server, TENANT),
            None,
        )
        .await;
    assert_eq!(
        (status, list["value"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (_, list) = server
        .call(
            reqwest::Method::GET,
            "/v1.0/subscriptions",
            &subscriber(&server, OTHER_TENANT),
            None,
        )
        .await;
    assert_eq!(list["value"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        presence(&server, &writer(&server, TENANT), ALICE).await.0,
        "Offline"
    );
    assert_eq!(
        presence(&server, &writer(&server, OTHER_TENANT), ALICE)
            .await
            .0,
        "Busy"
    );

    // Everything: the other tenant too; a second reset finds nothing left.
    let all = server
        .admin_client()
        .admin_reset()
        .body(scope(None, None))
        .send()
        .await;
    let all = all.expect("reset answers").into_inner();
    assert_eq!((all.users, all.subscriptions), (1, 1));
    assert_eq!(
        presence(&server, &writer(&server, OTHER_TENANT), ALICE)
            .await
            .0,
        "Offline"
    );
    let again = server
        .admin_client()
        .admin_reset()
        .body(scope(None, None))
        .send()
        .await;
    let again = again.expect("reset answers").into_inner();
    assert_eq!((again.users, again.subscriptions), (0, 0));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(receiver.notifications().is_empty());
}

#[tokio::test]
async fn a_live_stream_sees_the_reset_user_go_offline() {
    let server = server().await;
    let token = writer(&server, TENANT);
    set_available(&server, &token, ALICE).await;
    let response = reqwest::Client::new()
        .get(server.url(&format!("/v1.0/events/presence?ids={ALICE}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("the stream opens");
    let mut stream = response.bytes_stream();
    let mut seen = String::new();
    let mut reset_sent = false;
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(chunk)) = stream.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if !reset_sent && seen.contains("\"Busy\"") {
                reset_sent = true;
                server
                    .admin_client()
                    .admin_reset()
                    .body(scope(Some(TENANT), Some(ALICE)))
                    .send()
                    .await
                    .expect("reset answers");
            }
            if reset_sent && seen.contains("\"availability\":\"Offline\"") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "stream so far: {seen}");
}

#[tokio::test]
async fn a_user_without_a_tenant_or_a_caller_without_the_role_is_refused() {
    let server = server().await;
    let error = server
        .admin_client()
        .admin_reset()
        .body(scope(None, Some(ALICE)))
        .send()
        .await
        .expect_err("refused");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            "/admin/reset",
            &writer(&server, TENANT),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("Forbidden"))
    );
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            "/admin/reset",
            &server.admin_token().expect("an admin token"),
            Some(json!({"tenant": TENANT, "everything": true})),
        )
        .await;
    assert_eq!(status, 400, "unknown fields are refused, not ignored");
}
