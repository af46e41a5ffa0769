//! Several server instances on one PostgreSQL database behave as one service.
//!
//! These tests need a database that instances can share, so they run in the PostgreSQL pass
//! of `cargo xtask test` (`PRESENCE_TEST_POSTGRES` set); in the SQLite pass (one file, one
//! instance) they return at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use presence_test_support::{
    Backend, TestServer, WebhookReceiver, app_token, backend, stored_sessions, user_token,
};
use serde_json::{Value, json};

use crate::events::next_presences;

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const WATCHER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

fn shared_database() -> bool {
    if backend() == Backend::Sqlite {
        eprintln!("needs PostgreSQL (PRESENCE_TEST_POSTGRES): one SQLite file serves one instance");
        return false;
    }
    true
}

async fn set(
    http: &reqwest::Client,
    server: &TestServer,
    user: &str,
    session: &str,
    availability: &str,
) -> u16 {
    // A valid setPresence pair for each availability used here.
    let activity = match availability {
        "Busy" => "InACall",
        "DoNotDisturb" => "Presenting",
        other => other,
    };
    http.post(server.url(&format!("/v1.0/users/{user}/presence/setPresence")))
        .json(&json!({"sessionId": session, "availability": availability, "activity": activity, "expirationDuration": "PT1H"}))
        .send()
        .await
        .expect("answers")
        .status()
        .as_u16()
}

async fn clear(http: &reqwest::Client, server: &TestServer, user: &str, session: &str) -> u16 {
    http.post(server.url(&format!("/v1.0/users/{user}/presence/clearPresence")))
        .json(&json!({"sessionId": session}))
        .send()
        .await
        .expect("answers")
        .status()
        .as_u16()
}

/// A user's presence through `server`, without `@odata.context` (which names the server).
async fn get(http: &reqwest::Client, server: &TestServer, user: &str) -> Value {
    let response = http
        .get(server.url(&format!("/v1.0/users/{user}/presence")))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let mut presence: Value = response.json().await.expect("JSON");
    presence
        .as_object_mut()
        .and_then(|fields| fields.remove("@odata.context"));
    presence
}

#[tokio::test]
async fn a_write_through_one_instance_is_read_through_the_other() {
    if !shared_database() {
        return;
    }
    // Started together on a fresh database: both race to migrate it, and both must come up.
    let (a, b) = TestServer::start_pair(&["--auth", "none"]).await;
    let http = reqwest::Client::new();
    assert_eq!(set(&http, &a, "alice", "teams", "Busy").await, 200);
    let through_a = get(&http, &a, "alice").await;
    let through_b = get(&http, &b, "alice").await;
    assert_eq!(through_b["availability"], "Busy");
    assert_eq!(through_a, through_b, "both instances serve the same state");

    // A session set through one instance is cleared through the other, once.
    assert_eq!(clear(&http, &b, "alice", "teams").await, 200);
    assert_eq!(get(&http, &a, "alice").await["availability"], "Offline");
    assert_eq!(
        clear(&http, &a, "alice", "teams").await,
        404,
        "the clear through b is seen by a"
    );

    // Preferred presence and status message travel too.
    let response = http
        .post(b.url("/v1.0/users/alice/presence/setUserPreferredPresence"))
        .json(&json!({"availability": "DoNotDisturb", "activity": "DoNotDisturb"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(set(&http, &a, "alice", "teams", "Available").await, 200);
    let presence = get(&http, &a, "alice").await;
    assert_eq!(presence["availability"], "DoNotDisturb", "{presence}");
}

#[tokio::test]
async fn concurrent_writes_through_both_instances_end_in_the_right_state() {
    if !shared_database() {
        return;
    }
    // Two connections per instance for eight concurrent writers each: requests queue for a
    // connection, none fails.
    let (a, b) = TestServer::start_pair(&["--auth", "none", "--database-connections", "2"]).await;
    let http = reqwest::Client::new();
    // 16 writers, half through each instance, all on the same four users (so they contend for
    // the same rows). Each writer owns its sessions, so the final state of every session is
    // known: what its owner did last.
    let users = ["u0", "u1", "u2", "u3"];
    let mut writers = Vec::new();
    for writer in 0..16 {
        let server_url = if writer % 2 == 0 {
            a.url("")
        } else {
            b.url("")
        };
        let http = http.clone();
        writers.push(tokio::spawn(async move {
            let mut expected = BTreeSet::new();
            for round in 0..12 {
                let user = users[(writer + round) % users.len()];
                let session = format!("w{writer}-s{}", round % 3);
                let url = format!("{server_url}/v1.0/users/{user}/presence");
                let body = json!({"sessionId": session, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"});
                let status = http.post(format!("{url}/setPresence")).json(&body).send().await.expect("answers").status();
                assert_eq!(status, 200);
                expected.insert((user.to_owned(), session.clone()));
                if round % 4 == 3 {
                    let status = http.post(format!("{url}/clearPresence")).json(&json!({"sessionId": session})).send().await.expect("answers").status();
                    assert_eq!(status, 200, "a session just set is there to clear");
                    expected.remove(&(user.to_owned(), session));
                }
            }
            expected
        }));
    }
    let mut expected = BTreeSet::new();
    for writer in writers {
        expected.extend(writer.await.expect("writer"));
    }
    let stored: BTreeSet<(String, String)> =
        stored_sessions(&a.database_url).await.into_iter().collect();
    assert_eq!(stored, expected, "no write lost, no cleared session back");

    // Both instances agree on every user, down to the sequence number.
    for user in users {
        let (through_a, through_b) = (get(&http, &a, user).await, get(&http, &b, user).await);
        assert_eq!(through_a, through_b);
        let live = expected.iter().any(|(u, _)| u == user);
        let availability = if live { "Busy" } else { "Offline" };
        assert_eq!(
            through_a["availability"], availability,
            "{user}: {through_a}"
        );
    }
}

#[tokio::test]
async fn sequence_numbers_strictly_increase_across_instances_with_disagreeing_clocks() {
    if !shared_database() {
        return;
    }
    // Manual clocks stand still, many writes share a millisecond, and b's clock is two
    // seconds ahead of a's: every write must still advance the user's sequenceNumber,
    // whichever instance takes it. (Clocks hours apart would also disagree about which
    // sessions have expired; that is what NTP is for.)
    let (a, b) = TestServer::start_pair(&["--auth", "none", "--clock", "manual"]).await;
    b.advance_clock("PT2S").await;
    let http = reqwest::Client::new();
    let mut last = String::new();
    for round in 0..20 {
        let (writer, reader) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let availability = if round % 3 == 0 { "Available" } else { "Busy" };
        assert_eq!(set(&http, writer, "carol", "app", availability).await, 200);
        let sequence = get(&http, reader, "carol").await["sequenceNumber"]
            .as_str()
            .expect("a sequenceNumber")
            .to_owned();
        assert!(
            sequence > last,
            "round {round}: {sequence} does not follow {last}"
        );
        last = sequence;
    }
}

#[tokio::test]
async fn a_stream_on_one_instance_follows_writes_through_the_other() {
    if !shared_database() {
        return;
    }
    let (a, b) = TestServer::start_pair(&["--auth", "none"]).await;
    let http = reqwest::Client::new();
    let response = http
        .get(b.url("/v1.0/events/presence?ids=dave"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let mut seen = Vec::new();
    for availability in ["Offline", "Busy", "Available"] {
        if availability != "Offline" {
            assert_eq!(set(&http, &a, "dave", "app", availability).await, 200);
        }
        let presence = next_presences(&mut stream, &mut buffer, 1).await.remove(0);
        seen.push(
            presence["availability"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert_eq!(seen, ["Offline", "Busy", "Available"]);
}

#[tokio::test]
async fn each_change_is_notified_once_whichever_instances_see_it() {
    if !shared_database() {
        return;
    }
    let args = ["--notification-scan-interval", "100ms", "--clock", "manual"];
    let (a, b) = TestServer::start_pair(&args).await;
    let secret = a.secret();
    let subscriber = user_token(&secret, TENANT, APP, WATCHER, &["Presence.Read.All"]);
    let writer = app_token(&secret, TENANT, APP, &["Presence.ReadWrite.All"]);
    let receiver = WebhookReceiver::start().await;
    let http = reqwest::Client::new();
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(50);
    let created = http
        .post(a.url("/v1.0/subscriptions"))
        .bearer_auth(&subscriber)
        .json(&json!({
            "changeType": "updated",
            "notificationUrl": receiver.url,
            "resource": "/communications/presences/erin",
            "expirationDateTime": expires.to_string(),
        }))
        .send()
        .await
        .expect("answers");
    assert_eq!(created.status(), 201);

    // A write through b, to a subscription made through a: one notification.
    let response = http
        .post(b.url("/v1.0/users/erin/presence/setPresence"))
        .bearer_auth(&writer)
        .json(&json!({"sessionId": APP, "availability": "Busy", "activity": "InACall", "expirationDuration": "PT5M"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    // A change time alone makes (the session expires), which both instances' scanners find.
    // Each instance has a manual clock of its own: moved one after the other, the one still
    // behind would see the session live again after the other announced it gone, and
    // announce it back (a disagreement of clocks, not of the store). Both move at once.
    tokio::join!(a.advance_clock("PT10M"), b.advance_clock("PT10M"));
    receiver.wait_for(2, Duration::from_secs(10)).await;
    // Give a duplicate every chance to arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = receiver.notifications();
    let availabilities: Vec<String> = received
        .iter()
        .map(|n| {
            n["resourceData"]["availability"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(availabilities, ["Busy", "Offline"], "{received:?}");
    let ids: HashMap<String, usize> = received.iter().fold(HashMap::new(), |mut ids, n| {
        *ids.entry(n["id"].to_string()).or_default() += 1;
        ids
    });
    assert!(
        ids.values().all(|n| *n == 1),
        "no notification twice: {ids:?}"
    );
}

#[tokio::test]
async fn expired_sessions_are_purged_once_by_instances_purging_together() {
    if !shared_database() {
        return;
    }
    let args = [
        "--auth",
        "none",
        "--clock",
        "manual",
        "--purge-interval",
        "50ms",
    ];
    let (a, b) = TestServer::start_pair(&args).await;
    let http = reqwest::Client::new();
    let mut writes = tokio::task::JoinSet::new();
    for user in 0..20 {
        for session in 0..30 {
            let (http, url) = (
                http.clone(),
                a.url(&format!("/v1.0/users/purge-{user}/presence/setPresence")),
            );
            writes.spawn(async move {
                let body = json!({"sessionId": format!("s{session}"), "availability": "Away", "activity": "Away", "expirationDuration": "PT5M"});
                http.post(url).json(&body).send().await.expect("answers").status().as_u16()
            });
        }
    }
    for status in writes.join_all().await {
        assert_eq!(status, 200);
    }
    let before: BTreeMap<String, String> = sequence_numbers(&http, &b, 20).await;
    for server in [&a, &b] {
        server.advance_clock("PT10M").await;
    }
    let mut remaining = usize::MAX;
    for _ in 0..100 {
        remaining = stored_sessions(&a.database_url).await.len();
        if remaining == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        remaining, 0,
        "600 expired sessions are purged by the two instances"
    );
    let after = sequence_numbers(&http, &a, 20).await;
    for (user, sequence) in &after {
        assert!(
            sequence > &before[user],
            "{user}: expiry is a change that never goes back"
        );
        assert_eq!(get(&http, &b, user).await["availability"], "Offline");
    }
}

async fn sequence_numbers(
    http: &reqwest::Client,
    server: &TestServer,
    users: usize,
) -> BTreeMap<String, String> {
    let mut sequences = BTreeMap::new();
    for user in 0..users {
        let user = format!("purge-{user}");
        let presence = get(http, server, &user).await;
        sequences.insert(
            user,
            presence["sequenceNumber"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    sequences
}

/// Runs the server binary expecting it to refuse to start; returns its log and data directory.
async fn refused_start(args: &[&str]) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::process::Command::new(presence_test_support::binary("presence-server"))
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the server gives up in time")
    .expect("the server runs");
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "the server must not start: {log}");
    assert!(
        !log.contains("panicked"),
        "a clean error, not a panic: {log}"
    );
    (log, dir)
}

#[tokio::test]
async fn instances_on_postgresql_must_be_given_shared_keys() {
    // Checked before the database is opened, so no database is needed to see it.
    let (log, dir) =
        refused_start(&["--database-url", "postgres://presence@127.0.0.1:1/presence"]).await;
    assert!(log.contains("--jwt-secret"), "{log}");
    assert!(
        !dir.path().join("jwt-secret").exists(),
        "no per-instance secret is generated for a shared database"
    );
}

#[tokio::test]
async fn an_unreachable_postgresql_is_a_clear_start_up_error() {
    let (log, _dir) = refused_start(&[
        "--auth",
        "none",
        "--database-url",
        "postgres://presence:hunter2@127.0.0.1:1/presence",
    ])
    .await;
    assert!(log.contains("cannot connect to PostgreSQL"), "{log}");
    assert!(
        !log.contains("hunter2"),
        "the password stays out of the log: {log}"
    );
}

#[tokio::test]
async fn instances_recover_when_postgresql_drops_their_connections() {
    if !shared_database() {
        return;
    }
    use sqlx::Connection;
    let (a, b) = TestServer::start_pair(&["--auth", "none"]).await;
    let http = reqwest::Client::new();
    assert_eq!(set(&http, &a, "frank", "app", "Busy").await, 200);
    // What a PostgreSQL restart or failover does to the instances: every connection to the
    // database is cut, the LISTEN connection included.
    let admin = std::env::var(presence_test_support::POSTGRES_ENV).expect("the PostgreSQL pass");
    let database = a
        .database_url
        .rsplit('/')
        .next()
        .expect("a database name")
        .to_owned();
    let mut connection = sqlx::PgConnection::connect(&admin)
        .await
        .expect("admin connection");
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&database)
    .fetch_all(&mut connection)
    .await
    .expect("connections are terminated");
    assert!(cut.len() >= 4, "both instances were connected: {cut:?}");

    // Requests go on: at worst a 503 to retry, never a 500, and the writes land.
    let mut statuses = Vec::new();
    for availability in ["Available", "Away", "DoNotDisturb"] {
        let status = loop {
            let status = set(&http, &b, "frank", "app", availability).await;
            statuses.push(status);
            if status != 503 || statuses.len() > 20 {
                break status;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(status, 200, "{statuses:?}");
    }
    assert!(
        statuses.iter().all(|s| [200, 503].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(
        get(&http, &a, "frank").await["availability"],
        "DoNotDisturb"
    );

    // And live streams on an instance still follow writes through the other.
    let response = http
        .get(a.url("/v1.0/events/presence?ids=frank"))
        .send()
        .await
        .expect("answers");
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let first = next_presences(&mut stream, &mut buffer, 1).await.remove(0);
    assert_eq!(first["availability"], "DoNotDisturb");
    assert_eq!(set(&http, &b, "frank", "app", "Busy").await, 200);
    let next = next_presences(&mut stream, &mut buffer, 1).await.remove(0);
    assert_eq!(next["availability"], "Busy");
}

/// Alice's newest recorded change on `server` once it is to `availability`: the history
/// follows the change feed in a task of its own, so this waits for the change itself.
async fn recorded(
    http: &reqwest::Client,
    server: &TestServer,
    name: &str,
    availability: &str,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let changes: Value = http
            .get(server.url("/admin/tenants/default/users/alice/changes"))
            .send()
            .await
            .expect("answers")
            .json()
            .await
            .expect("JSON");
        let newest = changes["value"][0].clone();
        if newest["availability"] == availability {
            return newest;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{name} never recorded {availability}: {newest}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Why a user changed travels with the change: a Teams client set through one instance is
/// recorded as `teamsClient` in the other's change history too (before, the cause was a hint
/// in the writing instance's memory, and the other recorded a plain `write`).
#[tokio::test]
async fn the_cause_of_a_change_reaches_every_instance() {
    if !shared_database() {
        return;
    }
    let (a, b) = TestServer::start_pair(&["--auth", "none"]).await;
    let http = reqwest::Client::new();
    // Known to both histories first, so the Teams client's change is a change of its own.
    assert_eq!(set(&http, &a, "alice", "app", "Busy").await, 200);
    recorded(&http, &a, "the other instance", "Busy").await;
    recorded(&http, &b, "the writing instance", "Busy").await;
    let response = http
        .put(b.url("/admin/tenants/default/users/alice/clients/teams-desktop"))
        .json(&json!({"availability": "DoNotDisturb", "activity": "Presenting"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 204);
    for (name, server) in [("the writing instance", &b), ("the other instance", &a)] {
        let change = recorded(&http, server, name, "DoNotDisturb").await;
        assert_eq!(change["cause"], "teamsClient", "{name}: {change}");
        assert_eq!(change["fromAvailability"], "Busy", "{name}: {change}");
    }
}
