//! What Teams clients and Outlook produce: client sessions with Teams-only pairs, automatic
//! replies, calendar entries; on GET, in bulk reads, in notifications; following the clock.

use std::time::Duration;

use presence_client::Client;
use presence_client::types::{
    Activity, AutomaticRepliesSetting, Availability, CalendarEvent, ClientSession,
};
use presence_test_support::{TestServer, WebhookReceiver};

use super::*;

/// A JWT server with the manual clock and quick scans.
async fn manual() -> TestServer {
    TestServer::start_with(&["--clock", "manual", "--notification-scan-interval", "100ms"]).await
}

async fn put_client(admin: &Client, client: &str, availability: Availability, activity: Activity) {
    admin
        .admin_put_client_session()
        .tid(TENANT)
        .id(ALICE)
        .client_id(client)
        .body(ClientSession {
            availability,
            activity,
            expiration_duration: None,
        })
        .send()
        .await
        .expect("set");
}

/// getPresencesByUserId of ALICE: (availability, activity, isOutOfOffice).
async fn bulk(server: &TestServer, token: &str) -> (String, String, bool) {
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/communications/getPresencesByUserId",
            token,
            Some(json!({"ids": [ALICE]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let presence = &body["value"][0];
    (
        presence["availability"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        presence["activity"].as_str().unwrap_or_default().to_owned(),
        presence["outOfOfficeSettings"]["isOutOfOffice"] == true,
    )
}

fn pair(presence: &(String, String, String)) -> (&str, &str) {
    (presence.0.as_str(), presence.1.as_str())
}

#[tokio::test]
async fn client_sessions_show_teams_states_everywhere_and_never_fade() {
    let server = manual().await;
    let token = writer(&server, TENANT);
    let receiver = WebhookReceiver::start().await;
    subscribe(
        &server,
        &subscriber(&server, TENANT),
        &receiver.url,
        &[ALICE],
    )
    .await;
    let admin = server.admin_client();

    put_client(
        &admin,
        "teams-desktop",
        Availability::DoNotDisturb,
        Activity::Focusing,
    )
    .await;
    assert_eq!(
        pair(&presence(&server, &token, ALICE).await),
        ("DoNotDisturb", "Focusing")
    );
    let received = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received[0]["resourceData"]["activity"], "Focusing");

    put_client(
        &admin,
        "teams-mobile",
        Availability::Busy,
        Activity::InAMeeting,
    )
    .await;
    put_client(
        &admin,
        "teams-desktop",
        Availability::Available,
        Activity::Available,
    )
    .await;
    assert_eq!(
        bulk(&server, &token).await,
        ("Busy".into(), "InAMeeting".into(), false)
    );
    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received[1]["resourceData"]["activity"], "InAMeeting");

    // A client's Available does not fade with time, unlike an application's.
    admin
        .admin_delete_client_session()
        .tid(TENANT)
        .id(ALICE)
        .client_id("teams-mobile")
        .send()
        .await
        .expect("removed");
    server.advance_clock("PT30M").await;
    assert_eq!(
        pair(&presence(&server, &token, ALICE).await),
        ("Available", "Available")
    );
    let again = admin
        .admin_delete_client_session()
        .tid(TENANT)
        .id(ALICE)
        .client_id("teams-mobile")
        .send()
        .await
        .expect_err("gone");
    assert_eq!(again.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn automatic_replies_mark_the_user_out_of_office_within_their_window() {
    let server = manual().await;
    let token = writer(&server, TENANT);
    let admin = server.admin_client();
    let now = server.clock_now().await;
    admin
        .admin_set_out_of_office()
        .tid(TENANT)
        .id(ALICE)
        .body(AutomaticRepliesSetting {
            is_out_of_office: true,
            message: Some("Back on Monday".into()),
            start: Some((now + jiff::SignedDuration::from_mins(10)).to_string()),
            end: Some((now + jiff::SignedDuration::from_hours(2)).to_string()),
        })
        .send()
        .await
        .expect("set");
    assert_eq!(
        pair(&presence(&server, &token, ALICE).await),
        ("Offline", "Offline")
    );
    let receiver = WebhookReceiver::start().await;
    subscribe(
        &server,
        &subscriber(&server, TENANT),
        &receiver.url,
        &[ALICE],
    )
    .await;
    server.advance_clock("PT10M").await;
    // Signed out and out of office: Teams' purple "Out of office".
    let (status, body) = server
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/users/{ALICE}/presence"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["availability"].as_str(), body["activity"].as_str()),
        (Some("Offline"), Some("OutOfOffice"))
    );
    assert_eq!(
        body["outOfOfficeSettings"],
        json!({"message": "Back on Monday", "isOutOfOffice": true})
    );
    let received = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(
        received[0]["resourceData"]["activity"], "OutOfOffice",
        "the window opening is announced"
    );
    // Signed in: "Available, out of office"; a call keeps its activity.
    set_available(&server, &token, ALICE).await;
    assert_eq!(
        bulk(&server, &token).await,
        ("Busy".into(), "InACall".into(), true)
    );
    admin
        .admin_set_out_of_office()
        .tid(TENANT)
        .id(ALICE)
        .body(AutomaticRepliesSetting {
            is_out_of_office: false,
            message: None,
            start: None,
            end: None,
        })
        .send()
        .await
        .expect("off");
    assert_eq!(
        bulk(&server, &token).await,
        ("Busy".into(), "InACall".into(), false)
    );
}

#[tokio::test]
async fn a_meeting_shows_in_a_meeting_while_it_runs_and_an_oof_event_out_of_office() {
    let server = manual().await;
    let token = writer(&server, TENANT);
    let admin = server.admin_client();
    let (status, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1.0/users/{ALICE}/presence/setPresence"),
            &token,
            Some(json!({"sessionId": APP, "availability": "Available", "activity": "Available", "expirationDuration": "PT4H"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let receiver = WebhookReceiver::start().await;
    subscribe(
        &server,
        &subscriber(&server, TENANT),
        &receiver.url,
        &[ALICE],
    )
    .await;
    let now = server.clock_now().await;
    let at = |minutes: i64| (now + jiff::SignedDuration::from_mins(minutes)).to_string();
    let event = |start, end, show_as: &str| CalendarEvent {
        id: None,
        start,
        end,
        show_as: show_as.to_owned(),
        subject: Some("Weekly sync".into()),
    };
    let meeting = admin
        .admin_add_calendar_entry()
        .tid(TENANT)
        .id(ALICE)
        .body(event(at(2), at(4), "busy"))
        .send()
        .await
        .expect("added")
        .into_inner();
    admin
        .admin_add_calendar_entry()
        .tid(TENANT)
        .id(ALICE)
        .body(event(at(60), at(120), "oof"))
        .send()
        .await
        .expect("added");
    assert_eq!(
        pair(&presence(&server, &token, ALICE).await),
        ("Available", "Available")
    );
    server.advance_clock("PT2M").await;
    assert_eq!(
        pair(&presence(&server, &token, ALICE).await),
        ("Busy", "InAMeeting")
    );
    let received = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received[0]["resourceData"]["activity"], "InAMeeting");
    server.advance_clock("PT2M").await;
    assert_eq!(
        pair(&presence(&server, &token, ALICE).await),
        ("Available", "Available")
    );
    server.advance_clock("PT56M").await;
    // An hour unrefreshed, the session reads Away; the oof event makes it out of office.
    assert_eq!(
        bulk(&server, &token).await,
        ("Away".into(), "OutOfOffice".into(), true)
    );

    let listed = admin
        .admin_list_calendar_entries()
        .tid(TENANT)
        .id(ALICE)
        .send()
        .await
        .expect("lists");
    let listed = listed.into_inner().value;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0], meeting, "by start, as added");
    let id = meeting.id.clone().expect("an id");
    let fetched = admin
        .admin_get_calendar_entry()
        .tid(TENANT)
        .id(ALICE)
        .entry_id(&id)
        .send()
        .await;
    assert_eq!(
        fetched.expect("found").into_inner().subject.as_deref(),
        Some("Weekly sync")
    );
    admin
        .admin_delete_calendar_entry()
        .tid(TENANT)
        .id(ALICE)
        .entry_id(&id)
        .send()
        .await
        .expect("deleted");
    let gone = admin
        .admin_get_calendar_entry()
        .tid(TENANT)
        .id(ALICE)
        .entry_id(&id)
        .send()
        .await;
    assert_eq!(
        gone.expect_err("gone").status().map(|s| s.as_u16()),
        Some(404)
    );

    let invalid = [
        event(at(5), at(5), "busy"),
        event(at(5), at(6), "workingElsewhere"),
        event("tomorrow".into(), at(6), "busy"),
        CalendarEvent {
            subject: Some("a\u{1e}b".into()),
            ..event(at(5), at(6), "busy")
        },
    ];
    for case in invalid {
        let refused = admin
            .admin_add_calendar_entry()
            .tid(TENANT)
            .id(ALICE)
            .body(case.clone())
            .send()
            .await;
        assert_eq!(
            refused.expect_err("refused").status().map(|s| s.as_u16()),
            Some(400),
            "{case:?}"
        );
    }

    // A reset clears the calendar and the automatic replies too.
    admin
        .admin_reset()
        .body(presence_client::types::ResetScope {
            tenant: Some(TENANT.into()),
            user: Some(ALICE.into()),
        })
        .send()
        .await
        .expect("reset");
    let after = admin
        .admin_list_calendar_entries()
        .tid(TENANT)
        .id(ALICE)
        .send()
        .await
        .expect("lists");
    assert!(after.into_inner().value.is_empty());
    assert_eq!(
        bulk(&server, &token).await,
        ("Offline".into(), "Offline".into(), false)
    );
}

#[tokio::test]
async fn a_live_stream_shows_teams_and_outlook_states() {
    use tokio_stream::StreamExt;
    let server = manual().await;
    let token = writer(&server, TENANT);
    let admin = server.admin_client();
    let response = reqwest::Client::new()
        .get(server.url(&format!("/v1.0/events/presence?ids={ALICE}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("the stream opens");
    let mut stream = response.bytes_stream();
    let mut seen = String::new();
    let mut step = 0;
    let done = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(Ok(chunk)) = stream.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if step == 0 && seen.contains("\"Offline\"") {
                step = 1;
                put_client(
                    &admin,
                    "teams-desktop",
                    Availability::DoNotDisturb,
                    Activity::Focusing,
                )
                .await;
            }
            if step == 1 && seen.contains("\"Focusing\"") {
                step = 2;
                admin
                    .admin_set_out_of_office()
                    .tid(TENANT)
                    .id(ALICE)
                    .body(AutomaticRepliesSetting {
                        is_out_of_office: true,
                        message: Some("Gone fishing".into()),
                        start: None,
                        end: None,
                    })
                    .send()
                    .await
                    .expect("set");
            }
            if step == 2 && seen.contains("Gone fishing") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(done, Ok(true), "stream so far: {seen}");
}

#[tokio::test]
async fn the_availabilities_of_the_2025_table_can_be_set_and_are_read_back() {
    let server = manual().await;
    let admin = server.admin_client();
    let token = writer(&server, TENANT);
    // A busy session, and a Teams client presenting: Presenting outranks Busy, as Teams shows.
    set_available(&server, &token, ALICE).await;
    put_client(
        &admin,
        "teams-desktop",
        Availability::Presenting,
        Activity::Presenting,
    )
    .await;
    let (status, body) = server
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/users/{ALICE}/presence"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let read: presence_client::types::Presence =
        serde_json::from_value(body).expect("the generated types read the new value");
    assert_eq!(read.availability, Availability::Presenting);
    put_client(
        &admin,
        "teams-desktop",
        Availability::InAMeeting,
        Activity::InAMeeting,
    )
    .await;
    let (availability, activity, _) = presence(&server, &token, ALICE).await;
    assert_eq!(
        (availability.as_str(), activity.as_str()),
        ("InAMeeting", "InAMeeting")
    );
}
