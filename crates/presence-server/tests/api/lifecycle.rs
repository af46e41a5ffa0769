//! The subscription lifecycle: Graph's one-subscription-per-user-per-application limit, and
//! the lifecycle notifications (`reauthorizationRequired`, `subscriptionRemoved`, `missed`)
//! sent to a subscription's `lifecycleNotificationUrl`.

use std::time::Duration;

use presence_test_support::{TestServer, WebhookReceiver, app_token, token, user_token};
use serde_json::{Value, json};

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const WATCHER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
const OTHER_WATCHER: &str = "0b2f7e0a-4c1d-4a55-9b1e-3f7f0c2d9e11";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const OTHER_APP: &str = "9d1c5a77-2b8e-4f0e-8e6a-5c4b3a291807";
const WAIT: Duration = Duration::from_secs(10);

/// Subscribes with `subscriber_token` to `USER`, with both URLs, expiring `minutes` ahead of
/// the server's clock.
async fn subscribe(
    server: &TestServer,
    subscriber_token: &str,
    changes: &WebhookReceiver,
    lifecycle: &WebhookReceiver,
    minutes: i64,
) -> (u16, Value) {
    let expires = server.clock_now().await + jiff::SignedDuration::from_mins(minutes);
    server
        .call(
            reqwest::Method::POST,
            "/v1.0/subscriptions",
            subscriber_token,
            Some(json!({
                "changeType": "updated",
                "notificationUrl": changes.url,
                "lifecycleNotificationUrl": lifecycle.url,
                "resource": format!("communications/presences/{USER}"),
                "expirationDateTime": expires.to_string(),
                "clientState": "lifecycle-state",
            })),
        )
        .await
}

fn watcher(server: &TestServer, user: &str, app: &str) -> String {
    user_token(&server.secret(), TENANT, app, user, &["Presence.Read.All"])
}

#[tokio::test]
async fn one_presence_subscription_per_user_per_application_as_graph() {
    let server = TestServer::start_with(&[]).await;
    let (changes, lifecycle) = (
        WebhookReceiver::start().await,
        WebhookReceiver::start().await,
    );
    let first = watcher(&server, WATCHER, APP);
    let (status, created) = subscribe(&server, &first, &changes, &lifecycle, 50).await;
    assert_eq!(status, 201, "{created}");

    // The same user through the same application: Graph's 409, whatever the resource.
    let (status, refused) = subscribe(&server, &first, &changes, &lifecycle, 50).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["error"]["code"], "ExtensionError");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("A subscripton already exists")),
        "{refused}"
    );

    // Another user of the application, or the same user through another one: allowed.
    let (status, _) = subscribe(
        &server,
        &watcher(&server, OTHER_WATCHER, APP),
        &changes,
        &lifecycle,
        50,
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = subscribe(
        &server,
        &watcher(&server, WATCHER, OTHER_APP),
        &changes,
        &lifecycle,
        50,
    )
    .await;
    assert_eq!(status, 201);

    // Deleting the first makes room again.
    let id = created["id"].as_str().expect("id");
    let path = format!("/v1.0/subscriptions/{id}");
    let (status, _) = server
        .call(reqwest::Method::DELETE, &path, &first, None)
        .await;
    assert_eq!(status, 204);
    let (status, body) = subscribe(&server, &first, &changes, &lifecycle, 50).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn reauthorization_is_asked_once_before_expiry_and_again_after_a_renewal() {
    let server = TestServer::start_with(&[
        "--clock",
        "manual",
        "--notification-scan-interval",
        "100ms",
        "--reauthorization-lead",
        "10m",
    ])
    .await;
    let (changes, lifecycle) = (
        WebhookReceiver::start().await,
        WebhookReceiver::start().await,
    );
    let subscriber = watcher(&server, WATCHER, APP);
    let (status, created) = subscribe(&server, &subscriber, &changes, &lifecycle, 50).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        lifecycle.validations(),
        1,
        "the lifecycle URL was validated too"
    );
    let id = created["id"].as_str().expect("id").to_owned();

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(lifecycle.notifications().is_empty(), "nothing is due yet");

    server.advance_clock("PT41M").await;
    let received = lifecycle.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1, "{received:?}");
    let notice = &received[0];
    assert_eq!(notice["lifecycleEvent"], "reauthorizationRequired");
    assert_eq!(notice["subscriptionId"], id.as_str());
    assert_eq!(notice["tenantId"], TENANT);
    assert_eq!(notice["clientState"], "lifecycle-state");
    assert_eq!(
        notice["subscriptionExpirationDateTime"],
        created["expirationDateTime"]
    );
    assert!(notice.get("changeType").is_none(), "{notice}");
    assert!(
        changes.notifications().is_empty(),
        "not sent to notificationUrl"
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        lifecycle.notifications().len(),
        1,
        "asked once, not every scan"
    );

    // A renewal (which reauthorizes too) re-arms it for the new expiry.
    let renewed = server.clock_now().await + jiff::SignedDuration::from_mins(50);
    let (status, body) = server
        .call(
            reqwest::Method::PATCH,
            &format!("/v1.0/subscriptions/{id}"),
            &subscriber,
            Some(json!({"expirationDateTime": renewed.to_string()})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        lifecycle.notifications().len(),
        1,
        "the renewal moved the expiry"
    );
    server.advance_clock("PT41M").await;
    let received = lifecycle.wait_for(2, WAIT).await;
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[1]["lifecycleEvent"], "reauthorizationRequired");

    // Each went through the delivery journal, marked as lifecycle notifications.
    let journal = server
        .admin_request(reqwest::Method::GET, "/admin/deliveries")
        .send()
        .await
        .expect("journal")
        .json::<Value>()
        .await
        .expect("json");
    let lifecycle_attempts: Vec<&Value> = journal["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter(|a| a["lifecycleEvent"] == "reauthorizationRequired")
        .collect();
    assert_eq!(lifecycle_attempts.len(), 2, "{journal}");
    assert!(
        lifecycle_attempts
            .iter()
            .all(|a| a["outcome"] == "delivered" && a["notificationUrl"] == lifecycle.url.as_str())
    );
}

#[tokio::test]
async fn a_token_about_to_lapse_asks_for_reauthorization_and_reauthorize_answers_it() {
    let server = TestServer::start_with(&[
        "--notification-scan-interval",
        "100ms",
        "--reauthorization-lead",
        "10m",
    ])
    .await;
    let (changes, lifecycle) = (
        WebhookReceiver::start().await,
        WebhookReceiver::start().await,
    );
    let secret = server.secret();
    let short = token(
        &secret,
        TENANT,
        APP,
        Some(WATCHER),
        &["Presence.Read.All"],
        jiff::SignedDuration::from_mins(5),
    );
    // The subscription has 50 minutes; its creating token lapses within the lead time.
    let (status, created) = subscribe(&server, &short, &changes, &lifecycle, 50).await;
    assert_eq!(status, 201, "{created}");
    let received = lifecycle.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0]["lifecycleEvent"], "reauthorizationRequired");

    // Reauthorizing with a token that lasts an hour answers it: nothing more is asked.
    let id = created["id"].as_str().expect("id");
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/subscriptions/{id}/reauthorize"),
            &watcher(&server, WATCHER, APP),
            None,
        )
        .await;
    assert_eq!(status, 204, "{body}");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(lifecycle.notifications().len(), 1);

    // Reauthorizing with the short token again arms it again.
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/subscriptions/{id}/reauthorize"),
            &short,
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(lifecycle.wait_for(2, WAIT).await.len(), 2);
}

#[tokio::test]
async fn a_reset_tells_removed_subscriptions_and_a_dropped_notification_is_missed() {
    let server = TestServer::start_with(&[
        "--notification-scan-interval",
        "100ms",
        "--give-up-after",
        "2s",
    ])
    .await;
    let (changes, lifecycle) = (
        WebhookReceiver::start().await,
        WebhookReceiver::start().await,
    );
    let subscriber = watcher(&server, WATCHER, APP);
    let (status, created) = subscribe(&server, &subscriber, &changes, &lifecycle, 50).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("id");

    // A receiver that keeps failing: the notification is dropped after --give-up-after,
    // and the lifecycle URL hears `missed`.
    changes.answer_next_with(&[503; 10]);
    let writer = app_token(&server.secret(), TENANT, APP, &["Presence.ReadWrite.All"]);
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{USER}/presence/setPresence"),
            &writer,
            Some(json!({"sessionId": APP, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let received = lifecycle.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0]["lifecycleEvent"], "missed");
    assert_eq!(received[0]["subscriptionId"], id);
    assert_eq!(
        received[0]["resource"],
        format!("communications/presences/{USER}")
    );
    assert!(changes.notifications().is_empty());

    // A tenant reset deletes the subscription and says so.
    let (status, outcome) = server
        .call(
            reqwest::Method::POST,
            "/admin/reset",
            &server.admin_token().unwrap_or_default(),
            Some(json!({"tenant": TENANT})),
        )
        .await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["subscriptions"], 1);
    let received = lifecycle.wait_for(2, WAIT).await;
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[1]["lifecycleEvent"], "subscriptionRemoved");
    assert_eq!(received[1]["subscriptionId"], id);
    assert_eq!(received[1]["clientState"], "lifecycle-state");
}

#[tokio::test]
async fn a_lifecycle_url_cannot_be_added_by_patch() {
    let server = TestServer::start_with(&[]).await;
    let (changes, lifecycle) = (
        WebhookReceiver::start().await,
        WebhookReceiver::start().await,
    );
    let subscriber = watcher(&server, WATCHER, APP);
    let (status, created) = subscribe(&server, &subscriber, &changes, &lifecycle, 50).await;
    assert_eq!(status, 201, "{created}");
    let path = format!(
        "/v1.0/subscriptions/{}",
        created["id"].as_str().expect("id")
    );
    let (status, body) = server
        .call(
            reqwest::Method::PATCH,
            &path,
            &subscriber,
            Some(json!({"lifecycleNotificationUrl": changes.url})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["target"], "lifecycleNotificationUrl");
    let (_, now) = server
        .call(reqwest::Method::GET, &path, &subscriber, None)
        .await;
    assert_eq!(now["lifecycleNotificationUrl"], lifecycle.url.as_str());
}

#[tokio::test]
async fn an_endpoint_that_keeps_answering_slowly_is_throttled_and_its_notifications_missed() {
    let server =
        TestServer::start_with(&["--auth", "none", "--notification-scan-interval", "100ms"]).await;
    let (slow, lifecycle) = (
        WebhookReceiver::start().await,
        WebhookReceiver::start().await,
    );
    // Ten subscriptions on one endpoint (anonymous callers have no per-user limit).
    for _ in 0..10 {
        let (status, body) = subscribe(&server, "", &slow, &lifecycle, 50).await;
        assert_eq!(status, 201, "{body}");
    }
    slow.hang();
    let set = |availability: &'static str| {
        let server = &server;
        async move {
            let (status, body) = server
                .call(
                    reqwest::Method::POST,
                    &format!("/v1.0/users/{USER}/presence/setPresence"),
                    "",
                    Some(json!({"sessionId": APP, "availability": availability, "activity": availability, "expirationDuration": "PT1H"})),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
    };
    set("Available").await;
    // Ten answers that never come within 3 s: every one slow, so the endpoint is dropped;
    // the retries are not sent, and each subscription hears `missed`.
    let missed = lifecycle.wait_for(10, Duration::from_secs(20)).await;
    assert_eq!(missed.len(), 10, "{missed:?}");
    assert!(missed.iter().all(|m| m["lifecycleEvent"] == "missed"));

    // The endpoint answers again, but its record stands for the window: still dropped.
    slow.recover();
    set("Away").await;
    let missed = lifecycle.wait_for(20, WAIT).await;
    assert_eq!(missed.len(), 20, "{missed:?}");
    assert!(
        slow.notifications().is_empty(),
        "nothing reached the throttled endpoint"
    );
    let journal = server
        .admin_request(reqwest::Method::GET, "/admin/deliveries?top=100")
        .send()
        .await
        .expect("journal")
        .json::<Value>()
        .await
        .expect("json");
    let throttled = journal["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter(|a| {
            a["outcome"] == "dropped"
                && a["error"].as_str().is_some_and(|e| e.contains("throttled"))
        })
        .count();
    assert!(throttled >= 10, "{journal}");
}
