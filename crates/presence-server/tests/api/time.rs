//! Expiry and the timeout fades, under the manual clock (`--clock manual`).

use presence_client::types::{Activity, Availability};

use presence_test_support::{
    APP, OTHER_APP, TestServer, USER, clear_request, get_presence, set_presence, set_request,
};

async fn state(server: &TestServer) -> (Availability, Activity) {
    let presence = server
        .client()
        .get_presence()
        .id(USER)
        .send()
        .await
        .expect("GET presence")
        .into_inner();
    (presence.availability, presence.activity)
}

#[tokio::test]
async fn default_expiration_is_five_minutes_then_offline_and_clear_is_404() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let client = server.client();
    set_presence(
        &client,
        USER,
        APP,
        Availability::Busy,
        Activity::InACall,
        None,
    )
    .await;
    server.advance_clock("PT4M59S").await;
    assert_eq!(
        state(&server).await,
        (Availability::Busy, Activity::InACall)
    );
    server.advance_clock("PT1S").await;
    assert_eq!(
        state(&server).await,
        (Availability::Offline, Activity::Offline)
    );
    let cleared = client
        .clear_presence()
        .id(USER)
        .body(clear_request(APP))
        .send()
        .await;
    assert!(
        matches!(&cleared, Err(presence_client::Error::ErrorResponse(r)) if r.status() == 404),
        "an expired session no longer exists: {cleared:?}"
    );
}

#[tokio::test]
async fn available_fades_to_idle_then_away_and_a_refresh_resets_it() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let client = server.client();
    let set_available = || {
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
    };
    set_available().await.expect("set");
    server.advance_clock("PT5M").await;
    assert_eq!(
        state(&server).await,
        (Availability::AvailableIdle, Activity::Inactive)
    );
    server.advance_clock("PT5M").await;
    assert_eq!(state(&server).await, (Availability::Away, Activity::Away));
    set_available().await.expect("refresh");
    assert_eq!(
        state(&server).await,
        (Availability::Available, Activity::Available)
    );
}

#[tokio::test]
async fn an_expired_session_stops_counting_while_the_other_remains() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let client = server.client();
    client
        .set_presence()
        .id(USER)
        .body(set_request(
            APP,
            Availability::DoNotDisturb,
            Activity::Presenting,
            Some("PT10M"),
        ))
        .send()
        .await
        .expect("set short DND");
    client
        .set_presence()
        .id(USER)
        .body(set_request(
            OTHER_APP,
            Availability::Busy,
            Activity::InACall,
            Some("PT4H"),
        ))
        .send()
        .await
        .expect("set long busy");
    assert_eq!(state(&server).await.0, Availability::DoNotDisturb);
    server.advance_clock("PT10M").await;
    assert_eq!(
        state(&server).await,
        (Availability::Busy, Activity::InACall)
    );
    server.advance_clock("PT3H50M").await;
    assert_eq!(
        state(&server).await,
        (Availability::Offline, Activity::Offline)
    );
}

#[tokio::test]
async fn the_admin_clock_does_not_exist_with_the_system_clock() {
    let server = TestServer::start().await;
    let response = reqwest::Client::new()
        .post(server.url("/admin/clock/advance"))
        .json(&serde_json::json!({ "by": "PT6M" }))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn sequence_number_grows_when_time_alone_changes_the_presence() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let client = server.client();
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
        .expect("set");
    let sequence = || async { get_presence(&client, USER).await.sequence_number };
    let written = sequence().await;
    server.advance_clock("PT4M").await;
    assert_eq!(sequence().await, written, "nothing visible changed");
    server.advance_clock("PT1M").await;
    let idle = sequence().await;
    assert!(
        idle > written,
        "the idle fade is a change: {written} then {idle}"
    );
    server.advance_clock("PT5M").await;
    let away = sequence().await;
    assert!(away > idle, "the away fade is a change: {idle} then {away}");
}
