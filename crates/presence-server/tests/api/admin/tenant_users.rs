//! `GET /admin/tenants/{tid}/users[/{id}]`: users with the state behind their presence.

use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn users_are_listed_by_page_with_sessions_and_what_they_show_now() {
    let server = presence_test_support::TestServer::start_with(&["--clock", "manual"]).await;
    let token = writer(&server, TENANT);
    // ALICE: an application session (Available) and a Teams client (Busy); BOB: preferred.
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{ALICE}/presence/setPresence"),
            &token,
            Some(json!({"sessionId": APP, "availability": "Available", "activity": "Available", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200);
    let admin = server.admin_token().expect("an admin token");
    let (status, _) = server
        .call(
            reqwest::Method::PUT,
            &format!("/admin/tenants/{TENANT}/users/{ALICE}/clients/teams-desktop"),
            &admin,
            Some(json!({"availability": "Busy", "activity": "InACall"})),
        )
        .await;
    assert_eq!(status, 204);
    set_available(&server, &token, BOB).await;
    let (status, _) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{BOB}/presence/setUserPreferredPresence"),
            &token,
            Some(json!({"availability": "DoNotDisturb", "activity": "DoNotDisturb", "expirationDuration": "PT8H"})),
        )
        .await;
    assert_eq!(status, 200);
    server.advance_clock("PT6M").await;

    // A page of one, then the next.
    let page = |after: Option<&str>| {
        let (server, admin) = (&server, admin.clone());
        let query = match after {
            Some(after) => format!("?top=1&after={after}"),
            None => "?top=1".to_owned(),
        };
        async move {
            server
                .call(
                    reqwest::Method::GET,
                    &format!("/admin/tenants/{TENANT}/users{query}"),
                    &admin,
                    None,
                )
                .await
        }
    };
    let mut ids = [ALICE, BOB];
    ids.sort_unstable();
    let (status, first) = page(None).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["value"].as_array().map(Vec::len), Some(1));
    assert_eq!(first["value"][0]["id"], ids[0]);
    let after = first["nextAfter"].as_str().expect("a next page").to_owned();
    let (_, second) = page(Some(&after)).await;
    assert_eq!(second["value"][0]["id"], ids[1]);
    let (_, last) = page(Some(ids[1])).await;
    assert_eq!(last["value"], json!([]));
    assert!(last.get("nextAfter").is_none());

    // One user: the presence as its owner reads it, each session and what it shows now.
    let (status, alice) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{TENANT}/users/{ALICE}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 200, "{alice}");
    assert_eq!(alice["presence"]["availability"], "Busy");
    let sessions = alice["sessions"].as_array().expect("sessions");
    let by_kind = |kind: &str| -> &Value {
        sessions
            .iter()
            .find(|s| s["kind"] == kind)
            .expect("a session of that kind")
    };
    let app = by_kind("application");
    assert_eq!(
        (&app["availability"], &app["live"]),
        (&json!("Available"), &json!(true))
    );
    assert_eq!(
        app["nowAvailability"], "AvailableIdle",
        "faded after 6 minutes: {app}"
    );
    let client = by_kind("client");
    assert_eq!(
        (&client["sessionId"], &client["nowActivity"]),
        (&json!("teams-desktop"), &json!("InACall"))
    );
    let (_, bob) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{TENANT}/users/{BOB}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(bob["preferred"]["availability"], "DoNotDisturb");
    assert_eq!(bob["presence"]["availability"], "DoNotDisturb");

    // Refusals: a bad page size, and no admin role.
    let (status, _) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{TENANT}/users?top=0"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{TENANT}/users"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn every_subscription_of_a_tenant_is_listed_whoever_made_it() {
    let server = presence_test_support::TestServer::start_with(&[]).await;
    let receiver = presence_test_support::WebhookReceiver::start().await;
    // Two users of the application subscribe; each sees only its own through Graph.
    let ids = [
        subscribe(
            &server,
            &subscriber(&server, TENANT),
            &receiver.url,
            &[ALICE],
        )
        .await,
        subscribe(
            &server,
            &presence_test_support::user_token(
                &server.secret(),
                TENANT,
                APP,
                ALICE,
                &["Presence.Read.All"],
            ),
            &receiver.url,
            &[BOB],
        )
        .await,
    ];
    let admin = server.admin_token().expect("an admin token");
    let (status, listed) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{TENANT}/subscriptions"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 200, "{listed}");
    let mut listed: Vec<&str> = listed["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    listed.sort_unstable();
    let mut expected: Vec<&str> = ids.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(listed, expected);
    let (_, other) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{OTHER_TENANT}/subscriptions"),
            &admin,
            None,
        )
        .await;
    assert_eq!(other["value"], json!([]));
}
