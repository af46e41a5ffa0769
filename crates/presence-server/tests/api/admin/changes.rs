//! The change history: `GET /admin/tenants/{tid}/users/{id}/changes` (each change with when,
//! from, to, cause and the deciding rule) and the live `GET /admin/events`.

use std::time::Duration;

use serde_json::{Value, json};
use tokio_stream::StreamExt;

use super::*;

/// setPresence Available/Available for an hour.
async fn set_available(server: &TestServer, token: &str, user: &str) {
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{user}/presence/setPresence"),
            token,
            Some(json!({"sessionId": APP, "availability": "Available", "activity": "Available", "expirationDuration": "PT1H"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn changes(server: &TestServer, user: &str) -> Vec<Value> {
    let admin = server.admin_token().expect("an admin token");
    let (status, body) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{TENANT}/users/{user}/changes"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["value"].as_array().cloned().unwrap_or_default()
}

/// Waits until the user's newest change has `cause` (the history is written by a task that
/// follows the store, so a read right after a write may not see it yet).
async fn newest_with(server: &TestServer, user: &str, cause: &str) -> Vec<Value> {
    for _ in 0..100 {
        let all = changes(server, user).await;
        if all.first().is_some_and(|c| c["cause"] == cause) {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no '{cause}' change of {user}: {:?}",
        changes(server, user).await
    );
}

#[tokio::test]
async fn each_change_is_recorded_with_its_cause_at_the_instant_it_happened() {
    let server = TestServer::start_with(&["--clock", "manual"]).await;
    let token = writer(&server, TENANT);
    let admin = server.admin_token().expect("an admin token");
    let start = server.clock_now().await;

    set_available(&server, &token, ALICE).await;
    let all = newest_with(&server, ALICE, "write").await;
    assert_eq!(all.len(), 1);
    assert_eq!(
        all[0]["fromAvailability"], "Offline",
        "a user never seen showed Offline"
    );
    assert_eq!(all[0]["availability"], "Available");
    assert_eq!(all[0]["time"], start.to_string());
    assert!(
        all[0]["decidedBy"]
            .as_str()
            .unwrap_or("")
            .contains("the only live session")
    );

    // Twelve minutes at once: two fades, each recorded at its own instant.
    server.advance_clock("PT12M").await;
    let all = newest_with(&server, ALICE, "fade").await;
    let fades: Vec<(&str, &str)> = all
        .iter()
        .filter(|c| c["cause"] == "fade")
        .map(|c| {
            (
                c["availability"].as_str().unwrap_or(""),
                c["time"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let idle_at = (start + jiff::SignedDuration::from_mins(5)).to_string();
    let away_at = (start + jiff::SignedDuration::from_mins(10)).to_string();
    assert_eq!(
        fades,
        vec![
            ("Away", away_at.as_str()),
            ("AvailableIdle", idle_at.as_str())
        ],
        "{all:?}"
    );

    // A Teams client, a meeting, a reset: each named.
    let (status, _) = server
        .call(
            reqwest::Method::PUT,
            &format!("/admin/tenants/{TENANT}/users/{ALICE}/clients/teams-desktop"),
            &admin,
            Some(json!({"availability": "DoNotDisturb", "activity": "Presenting"})),
        )
        .await;
    assert_eq!(status, 204);
    let all = newest_with(&server, ALICE, "teamsClient").await;
    assert_eq!(all[0]["fromAvailability"], "Away");
    assert_eq!(
        all[0]["decidedBy"],
        "DoNotDisturb from client teams-desktop outranks Away from session 22553876… (set Available, faded: not refreshed for 12 min)"
    );

    let (status, _) = server
        .call(
            reqwest::Method::DELETE,
            &format!("/admin/tenants/{TENANT}/users/{ALICE}/clients/teams-desktop"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 204);
    newest_with(&server, ALICE, "teamsClient").await;
    let now = server.clock_now().await;
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/admin/tenants/{TENANT}/users/{ALICE}/calendar"),
            &admin,
            Some(json!({
                "start": (now + jiff::SignedDuration::from_mins(1)).to_string(),
                "end": (now + jiff::SignedDuration::from_mins(31)).to_string(),
                "showAs": "busy",
                "subject": "Standup",
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // The entry starts in a minute: nothing changes until then, then the meeting does it.
    server.advance_clock("PT2M").await;
    let all = newest_with(&server, ALICE, "meeting").await;
    assert_eq!(all[0]["availability"], "Busy");
    assert_eq!(all[0]["activity"], "InAMeeting");
    assert_eq!(
        all[0]["time"],
        (now + jiff::SignedDuration::from_mins(1)).to_string()
    );
    assert!(
        all[0]["decidedBy"]
            .as_str()
            .unwrap_or("")
            .starts_with("Busy from the meeting \"Standup\"")
    );

    let (status, _) = server
        .call(
            reqwest::Method::POST,
            "/admin/reset",
            &admin,
            Some(json!({"tenant": TENANT})),
        )
        .await;
    assert_eq!(status, 200);
    let all = newest_with(&server, ALICE, "reset").await;
    assert_eq!(all[0]["availability"], "Offline");

    // The tenant user's detail says what decides and when it next changes.
    set_available(&server, &token, BOB).await;
    let (_, bob) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{TENANT}/users/{BOB}"),
            &admin,
            None,
        )
        .await;
    let now = server.clock_now().await;
    assert_eq!(
        bob["nextChangeAt"],
        (now + jiff::SignedDuration::from_mins(5)).to_string()
    );
    assert_eq!(bob["sessions"][0]["fadesAt"], bob["nextChangeAt"]);

    // Unknown users have no history; bad ids are 400s, not 500s.
    assert!(changes(&server, "nobody").await.is_empty());
    let (status, _) = server
        .call(
            reqwest::Method::GET,
            &format!("/admin/tenants/{TENANT}/users/%00/changes"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_admin_event_stream_carries_each_change_of_its_tenant() {
    let server = TestServer::start_with(&["--clock", "manual"]).await;
    let token = writer(&server, TENANT);
    let admin = server.admin_token().expect("an admin token");
    // Without the admin role: refused like every admin call.
    let (status, _) = server
        .call(reqwest::Method::GET, "/admin/events", &token, None)
        .await;
    assert_eq!(status, 403);
    let response = server
        .http()
        .get(server.url(&format!("/admin/events?tenant={TENANT}")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/event-stream")
    );
    let mut body = response.bytes_stream();
    // Another tenant's change is not this stream's.
    let other = writer(&server, OTHER_TENANT);
    set_available(&server, &other, ALICE).await;
    set_available(&server, &token, BOB).await;
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !seen.contains("event: change") {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .expect("a change within 5 s")
            .expect("the stream stays open")
            .expect("bytes");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let data = seen
        .lines()
        .find_map(|line| line.strip_prefix("data: "))
        .expect("a data line");
    let change: Value = serde_json::from_str(data).expect("a PresenceChange");
    assert_eq!(change["tenant"], TENANT);
    assert_eq!(change["user"], BOB);
    assert_eq!(change["availability"], "Available");
    assert_eq!(change["cause"], "write");
    assert!(change["sequence"].as_i64().is_some_and(|s| s >= 1));
}
