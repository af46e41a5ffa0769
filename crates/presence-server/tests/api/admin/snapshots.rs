//! Snapshots: export → import → export gives the same bytes; relative times; quiet and
//! notifying imports; all or nothing; `--seed` and `--export-on-exit`.

use std::time::Duration;

use presence_client::types::{
    Activity, AutomaticRepliesSetting, Availability, CalendarEvent, ClientSession, Snapshot,
};
use presence_test_support::{TestServer, WebhookReceiver};

use super::*;

/// A server with the manual clock and no authentication (the state is what matters here).
async fn open_server() -> TestServer {
    TestServer::start_with(&[
        "--auth",
        "none",
        "--clock",
        "manual",
        "--notification-scan-interval",
        "100ms",
    ])
    .await
}

/// `GET /admin/export` as raw bytes.
async fn export_bytes(server: &TestServer) -> String {
    let response = server
        .admin_request(reqwest::Method::GET, "/admin/export")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    response.text().await.expect("text")
}

/// `POST /admin/import?mode=…` with a raw body: status and answer.
async fn import(server: &TestServer, mode: &str, body: &str) -> (u16, Value) {
    let response = server
        .admin_request(reqwest::Method::POST, &format!("/admin/import?mode={mode}"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(server: &TestServer, path: &str, body: Value) {
    let (status, answer) = server
        .call(reqwest::Method::POST, path, "", Some(body))
        .await;
    assert!(status < 300, "{path}: {status} {answer}");
}

/// Every kind of state a snapshot holds.
async fn populate(server: &TestServer, receiver: &WebhookReceiver) {
    let user = |action: &str| format!("/v1.0/users/{ALICE}/presence/{action}");
    post(server, &user("setPresence"), json!({"sessionId": APP, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT2H"})).await;
    post(server, &user("setUserPreferredPresence"), json!({"availability": "DoNotDisturb", "activity": "DoNotDisturb", "expirationDuration": "PT8H"})).await;
    post(server, &user("setStatusMessage"), json!({"statusMessage": {"message": {"content": "Heads down", "contentType": "text"}, "expiryDateTime": {"dateTime": "2099-01-01T00:00:00", "timeZone": "UTC"}}})).await;
    post(
        server,
        &user("setManualLocation"),
        json!({"workLocationType": "office", "placeId": "building-1"}),
    )
    .await;
    post(
        server,
        &format!("/v1.0/users/{BOB}/presence/setAutomaticLocation"),
        json!({"workLocationType": "remote"}),
    )
    .await;
    let admin = server.admin_client();
    admin
        .admin_put_client_session()
        .tid("default")
        .id(BOB)
        .client_id("teams-mobile")
        .body(ClientSession {
            availability: Availability::BeRightBack,
            activity: Activity::BeRightBack,
            expiration_duration: None,
        })
        .send()
        .await
        .expect("client");
    let now = server.clock_now().await;
    let later = |hours: i64| (now + jiff::SignedDuration::from_hours(hours)).to_string();
    admin
        .admin_set_out_of_office()
        .tid("default")
        .id(BOB)
        .body(AutomaticRepliesSetting {
            is_out_of_office: true,
            message: Some("Away".into()),
            start: Some(later(1)),
            end: Some(later(48)),
        })
        .send()
        .await
        .expect("ooo");
    admin
        .admin_add_calendar_entry()
        .tid("default")
        .id(ALICE)
        .body(CalendarEvent {
            id: None,
            start: later(1),
            end: later(2),
            show_as: "tentative".into(),
            subject: Some("Review".into()),
        })
        .send()
        .await
        .expect("calendar");
    subscribe(server, "", &receiver.url, &[ALICE, BOB]).await;
}

#[tokio::test]
async fn export_import_export_gives_the_same_bytes() {
    let server = open_server().await;
    let receiver = WebhookReceiver::start().await;
    populate(&server, &receiver).await;
    let first = export_bytes(&server).await;
    let snapshot: Snapshot = serde_json::from_str(&first).expect("a snapshot");
    let users: Vec<&str> = snapshot.tenants[0]
        .users
        .iter()
        .map(|u| u.id.as_str())
        .collect();
    let mut sorted = users.clone();
    sorted.sort_unstable();
    assert_eq!(users, sorted, "users by id");
    assert_eq!(users.len(), 2);
    assert_eq!(snapshot.tenants[0].subscriptions.len(), 1);
    for field in [
        "preferredPresence",
        "statusMessage",
        "workLocation",
        "outOfOffice",
        "calendar",
        "\"kind\":\"client\"",
    ] {
        assert!(first.contains(field), "{field} in {first}");
    }

    let (status, outcome) = import(&server, "replace", &first).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(
        (outcome["users"].as_i64(), outcome["subscriptions"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        export_bytes(&server).await,
        first,
        "the same server, replaced"
    );

    let other = open_server().await;
    server.advance_clock("PT0S").await;
    let (status, _) = import(&other, "merge", &first).await;
    assert_eq!(status, 200);
    assert_eq!(export_bytes(&other).await, first, "another server");
    let (_, alice) = other
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/users/{ALICE}/presence"),
            "",
            None,
        )
        .await;
    assert_eq!(
        (alice["availability"].as_str(), alice["activity"].as_str()),
        (Some("DoNotDisturb"), Some("DoNotDisturb"))
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        receiver.notifications().len(),
        0,
        "imports are quiet unless asked"
    );
}

#[tokio::test]
async fn relative_times_count_from_loading_and_notify_is_honoured() {
    let server = open_server().await;
    let receiver = WebhookReceiver::start().await;
    subscribe(&server, "", &receiver.url, &[ALICE, BOB]).await;
    let seed = json!({
        "version": 1,
        "tenants": [{"id": "default", "users": [
            {"id": ALICE, "sessions": [{"id": "app", "availability": "Available", "activity": "Available", "refreshedAgo": "PT6M", "expiresIn": "PT1H"}]},
            {"id": BOB, "sessions": [{"id": "app", "availability": "Available", "activity": "Available", "expiresIn": "PT1H"}],
             "calendar": [{"startsIn": "-PT5M", "endsIn": "PT25M", "showAs": "busy"}]}
        ]}]
    });
    let (status, answer) = import(&server, "merge", &seed.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    let shown = |user: &'static str| {
        let server = &server;
        async move {
            let (_, p) = server
                .call(
                    reqwest::Method::GET,
                    &format!("/v1.0/users/{user}/presence"),
                    "",
                    None,
                )
                .await;
            (
                p["availability"].as_str().unwrap_or_default().to_owned(),
                p["activity"].as_str().unwrap_or_default().to_owned(),
            )
        }
    };
    assert_eq!(
        shown(ALICE).await,
        ("AvailableIdle".into(), "Inactive".into())
    );
    assert_eq!(shown(BOB).await, ("Busy".into(), "InAMeeting".into()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(receiver.notifications().is_empty(), "quiet by default");
    server.advance_clock("PT25M").await;
    assert_eq!(
        shown(BOB).await,
        ("Away".into(), "Away".into()),
        "the meeting ended; 25 minutes unrefreshed"
    );
    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert!(
        received.iter().any(|n| n["resourceData"]["id"] == BOB),
        "changes after loading are notified"
    );

    let loud = json!({"version": 1, "notify": true, "tenants": [{"id": "default", "users": [
        {"id": ALICE, "sessions": [{"id": "app", "availability": "Busy", "activity": "InACall", "expiresIn": "PT1H"}]}]}]});
    let before = receiver.notifications().len();
    assert_eq!(import(&server, "merge", &loud.to_string()).await.0, 200);
    let received = receiver.wait_for(before + 1, Duration::from_secs(10)).await;
    assert_eq!(received[before]["resourceData"]["activity"], "InACall");
}

#[tokio::test]
async fn an_invalid_snapshot_loads_nothing() {
    let server = open_server().await;
    let cases = [
        (json!({"version": 2, "tenants": []}), "version"),
        (
            json!({"version": 1, "tenants": [{"id": "default", "users": [
                {"id": ALICE, "sessions": [{"id": "a", "availability": "Busy", "activity": "Busy", "expiresIn": "PT1H"}]},
                {"id": BOB, "sessions": [{"id": "b", "availability": "Busy", "activity": "Busy", "expiresIn": "PT1H", "expiresAt": "2099-01-01T00:00:00Z"}]}
            ]}]}),
            "tenants[0].users[1].sessions[0]",
        ),
        (
            json!({"version": 1, "tenants": [{"id": "default", "users": [{"id": "a\u{1}b"}]}]}),
            "tenants[0].users[0].id",
        ),
        (
            json!({"version": 1, "tenants": [{"id": "default", "users": [{"id": ALICE, "sessions": [{"id": "a", "availability": "Busy", "activity": "Busy"}]}]}]}),
            "expiresAt or expiresIn",
        ),
        (json!({"version": 1, "tenants": [], "extra": true}), "extra"),
    ];
    for (body, mention) in cases {
        let (status, answer) = import(&server, "merge", &body.to_string()).await;
        assert_eq!(status, 400, "{body}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(mention), "{message}");
    }
    let (status, _) = import(&server, "sideways", "{\"version\":1}").await;
    assert_eq!(status, 400);
    let info = server
        .admin_client()
        .admin_info()
        .send()
        .await
        .expect("info")
        .into_inner();
    assert_eq!(
        info.counts.users, 0,
        "the valid first user of a bad document was not loaded"
    );
}

#[tokio::test]
async fn seed_at_start_and_export_on_exit() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let seed = dir.path().join("seed.json");
    let exported = dir.path().join("exported.json");
    std::fs::write(
        &seed,
        json!({"version": 1, "tenants": [{"id": "default", "users": [
            {"id": ALICE, "sessions": [{"id": "app", "availability": "Busy", "activity": "InACall", "expiresIn": "PT4H"}]}]}]})
        .to_string(),
    )
    .expect("written");
    let data = tempfile::tempdir().expect("a temporary directory");
    let args = |mode: &'static str| {
        vec![
            "--auth".to_owned(),
            "none".to_owned(),
            "--seed".to_owned(),
            seed.display().to_string(),
            "--seed-mode".to_owned(),
            mode.to_owned(),
            "--export-on-exit".to_owned(),
            exported.display().to_string(),
        ]
    };
    let start = |mode: &'static str| {
        let args = args(mode);
        let data = data.path().to_path_buf();
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            TestServer::start_in(&data, &args).await
        }
    };
    let availability = |server: &TestServer| {
        let url = server.url(&format!("/v1.0/users/{ALICE}/presence"));
        async move {
            let body: Value = reqwest::get(url)
                .await
                .expect("answers")
                .json()
                .await
                .expect("JSON");
            body["availability"].as_str().unwrap_or_default().to_owned()
        }
    };
    let server = start("if-empty").await;
    assert_eq!(
        availability(&server).await,
        "Busy",
        "seeded into the empty database"
    );
    post(
        &server,
        &format!("/v1.0/users/{ALICE}/presence/clearPresence"),
        json!({"sessionId": "app"}),
    )
    .await;
    let live: Value = serde_json::from_str(&export_bytes(&server).await).expect("JSON");
    assert!(server.stop().await);
    let on_exit: Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).expect("exported at exit"))
            .expect("JSON");
    assert_eq!(on_exit, live);

    let server = start("if-empty").await;
    assert_eq!(
        availability(&server).await,
        "Offline",
        "not seeded again: the database is not empty"
    );
    assert!(server.stop().await);
    let server = start("replace").await;
    assert_eq!(availability(&server).await, "Busy", "replaced on start");
}
