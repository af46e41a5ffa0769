//! setUserPreferredPresence / clearUserPreferredPresence through the generated client.

use presence_client::types::{Activity, Availability, SetUserPreferredPresenceRequest};

use presence_test_support::{APP, TestServer, USER, clear_request, get_presence, set_request};

async fn state(client: &presence_client::Client) -> (Availability, Activity) {
    let p = get_presence(client, USER).await;
    (p.availability, p.activity)
}

fn prefer(
    availability: Availability,
    activity: Activity,
    expiration: Option<&str>,
) -> SetUserPreferredPresenceRequest {
    SetUserPreferredPresenceRequest {
        availability,
        activity,
        expiration_duration: expiration.map(str::to_owned),
    }
}

#[tokio::test]
async fn preference_overrides_sessions_only_while_a_session_is_live() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let client = server.client();
    let status = client
        .set_user_preferred_presence()
        .id(USER)
        .body(prefer(
            Availability::DoNotDisturb,
            Activity::DoNotDisturb,
            Some("PT8H"),
        ))
        .send()
        .await
        .expect("setUserPreferredPresence")
        .status();
    assert_eq!(status, 200);
    // No session yet: offline whatever is preferred.
    assert_eq!(
        state(&client).await,
        (Availability::Offline, Activity::Offline)
    );

    client
        .set_presence()
        .id(USER)
        .body(set_request(
            APP,
            Availability::Available,
            Activity::Available,
            Some("PT1H"),
        ))
        .send()
        .await
        .expect("set session");
    assert_eq!(
        state(&client).await,
        (Availability::DoNotDisturb, Activity::DoNotDisturb)
    );

    // "Appear offline" hides the live session.
    client
        .set_user_preferred_presence()
        .id(USER)
        .body(prefer(Availability::Offline, Activity::OffWork, None))
        .send()
        .await
        .expect("prefer offline");
    assert_eq!(
        state(&client).await,
        (Availability::Offline, Activity::OffWork)
    );

    let cleared = client
        .clear_user_preferred_presence()
        .id(USER)
        .send()
        .await
        .expect("clearUserPreferredPresence");
    assert_eq!(cleared.status(), 200);
    assert_eq!(
        state(&client).await,
        (Availability::Available, Activity::Available)
    );

    // Clearing again, with nothing set, is still 200.
    client
        .clear_user_preferred_presence()
        .id(USER)
        .send()
        .await
        .expect("idempotent clear");
    client
        .clear_presence()
        .id(USER)
        .body(clear_request(APP))
        .send()
        .await
        .expect("clear");
}

#[tokio::test]
async fn busy_preference_defaults_to_one_day() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let client = server.client();
    client
        .set_presence()
        .id(USER)
        .body(set_request(
            APP,
            Availability::Away,
            Activity::Away,
            Some("PT4H"),
        ))
        .send()
        .await
        .expect("set");
    client
        .set_user_preferred_presence()
        .id(USER)
        .body(prefer(Availability::Busy, Activity::Busy, None))
        .send()
        .await
        .expect("prefer busy");
    assert_eq!(state(&client).await, (Availability::Busy, Activity::Busy));
    // Keep the session alive past the day with refreshes every 3h50m.
    for _ in 0..7 {
        server.advance_clock("PT3H50M").await;
        client
            .set_presence()
            .id(USER)
            .body(set_request(
                APP,
                Availability::Away,
                Activity::Away,
                Some("PT4H"),
            ))
            .send()
            .await
            .expect("refresh");
    }
    // 26h50m later the preference has expired and the session shows again.
    assert_eq!(state(&client).await, (Availability::Away, Activity::Away));
}

#[tokio::test]
async fn unsupported_preferred_pairs_and_ranges_are_invalid_arguments() {
    let server = TestServer::start().await;
    let client = server.client();
    for body in [
        prefer(Availability::Busy, Activity::InACall, None),
        prefer(Availability::Available, Activity::Available, Some("PT4M")),
        prefer(Availability::Available, Activity::Available, Some("P8D")),
    ] {
        match client
            .set_user_preferred_presence()
            .id(USER)
            .body(body.clone())
            .send()
            .await
        {
            Err(presence_client::Error::ErrorResponse(response)) => {
                assert_eq!(response.status(), 400, "{body:?}");
                assert_eq!(response.error.code, "InvalidArgument", "{body:?}");
            }
            other => panic!("{body:?} must be refused, got {other:?}"),
        }
    }
}
