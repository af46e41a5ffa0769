//! setPresence / clearPresence / GET presence through the generated client.

use presence_client::Error;
use presence_client::types::{Activity, Availability, Presence};

use presence_test_support::{
    APP, OTHER_APP, TestServer, USER, clear_request, get_presence, set_presence, set_request,
};

async fn presence(client: &presence_client::Client, user: &str) -> Presence {
    get_presence(client, user).await
}

#[tokio::test]
async fn seed_scenario_set_get_clear_then_404_on_second_clear() {
    let server = TestServer::start().await;
    let client = server.client();

    let fresh = presence(&client, USER).await;
    assert_eq!(
        (fresh.availability, fresh.activity),
        (Availability::Offline, Activity::Offline)
    );

    let set = client
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
        .expect("setPresence succeeds");
    assert_eq!(set.status(), 200);

    let after_set = presence(&client, USER).await;
    assert_eq!(after_set.id, USER);
    assert_eq!(
        (after_set.availability, after_set.activity),
        (Availability::Available, Activity::Available)
    );
    assert!(!after_set.out_of_office_settings.is_out_of_office);
    assert_eq!(after_set.out_of_office_settings.message, None);
    let context = after_set
        .odata_context
        .as_deref()
        .expect("@odata.context is present");
    assert!(
        context.ends_with(&format!("/v1.0/$metadata#users('{USER}')/presence/$entity")),
        "{context}"
    );

    let cleared = client
        .clear_presence()
        .id(USER)
        .body(clear_request(APP))
        .send()
        .await
        .expect("clearPresence succeeds");
    assert_eq!(cleared.status(), 200);
    let after_clear = presence(&client, USER).await;
    assert_eq!(
        (after_clear.availability, after_clear.activity),
        (Availability::Offline, Activity::Offline)
    );

    match client
        .clear_presence()
        .id(USER)
        .body(clear_request(APP))
        .send()
        .await
    {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), 404);
            assert_eq!(response.error.code, "NotFound");
            assert!(
                response.error.message.contains(APP),
                "{}",
                response.error.message
            );
        }
        other => panic!("a second clearPresence must be 404, got {other:?}"),
    }
}

#[tokio::test]
async fn sessions_aggregate_by_precedence_and_clearing_one_reveals_the_other() {
    let server = TestServer::start().await;
    let client = server.client();
    let set = |app, availability, activity| {
        client
            .set_presence()
            .id(USER)
            .body(set_request(app, availability, activity, Some("PT1H")))
            .send()
    };

    set(APP, Availability::Available, Activity::Available)
        .await
        .expect("set A");
    set(OTHER_APP, Availability::Busy, Activity::InACall)
        .await
        .expect("set B");
    let both = presence(&client, USER).await;
    assert_eq!(
        (both.availability, both.activity),
        (Availability::Busy, Activity::InACall)
    );

    set(APP, Availability::DoNotDisturb, Activity::Presenting)
        .await
        .expect("refresh A");
    let dnd = presence(&client, USER).await;
    assert_eq!(
        (dnd.availability, dnd.activity),
        (Availability::DoNotDisturb, Activity::Presenting)
    );

    client
        .clear_presence()
        .id(USER)
        .body(clear_request(APP))
        .send()
        .await
        .expect("clear A");
    let only_b = presence(&client, USER).await;
    assert_eq!(
        (only_b.availability, only_b.activity),
        (Availability::Busy, Activity::InACall)
    );

    set(APP, Availability::Away, Activity::Away)
        .await
        .expect("set A away");
    let busy_beats_away = presence(&client, USER).await;
    assert_eq!(busy_beats_away.availability, Availability::Busy);
}

#[tokio::test]
async fn users_are_independent_and_ids_compare_without_case() {
    let server = TestServer::start().await;
    let client = server.client();
    client
        .set_presence()
        .id(USER.to_uppercase())
        .body(set_request(
            &APP.to_uppercase(),
            Availability::Busy,
            Activity::InAConferenceCall,
            None,
        ))
        .send()
        .await
        .expect("set with upper-case ids");
    let same_user = presence(&client, USER).await;
    assert_eq!(same_user.id, USER);
    assert_eq!(same_user.activity, Activity::InAConferenceCall);

    let other = presence(&client, "66825e03-7ef5-42da-9069-724602c31f6b").await;
    assert_eq!(other.availability, Availability::Offline);

    // The session set with upper-case ids is cleared with lower-case ones.
    client
        .clear_presence()
        .id(USER)
        .body(clear_request(APP))
        .send()
        .await
        .expect("clear with lower-case ids");
}

#[tokio::test]
async fn sequence_number_increases_with_every_change() {
    let server = TestServer::start().await;
    let client = server.client();
    let mut seen = vec![presence(&client, USER).await.sequence_number];
    for (availability, activity) in [
        (Availability::Available, Activity::Available),
        (Availability::Busy, Activity::InACall),
        (Availability::Busy, Activity::InACall),
    ] {
        set_presence(&client, USER, APP, availability, activity, None).await;
        seen.push(presence(&client, USER).await.sequence_number);
    }
    client
        .clear_presence()
        .id(USER)
        .body(clear_request(APP))
        .send()
        .await
        .expect("clear");
    seen.push(presence(&client, USER).await.sequence_number);
    for pair in seen.windows(2) {
        assert!(
            pair[0] < pair[1],
            "sequence numbers must strictly increase: {seen:?}"
        );
    }
}

/// python-o365 2.1.10 sends `expirationDuration` misspelt as `expirationDutaion`: Graph
/// ignores properties it does not know, and so do we, or that client breaks (#25). The
/// misspelt property is ignored (the default expiry applies), not refused.
#[tokio::test]
async fn unknown_body_properties_are_ignored_as_graph_does() {
    let server = TestServer::start().await;
    let answer = server
        .http()
        .post(server.url(&format!("/v1.0/users/{USER}/presence/setPresence")))
        .json(&serde_json::json!({
            "sessionId": APP,
            "availability": "Busy",
            "activity": "InACall",
            "expirationDutaion": "PT1H",
            "somethingElse": {"nested": [1, 2]},
        }))
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200, "{:?}", answer.text().await);
    let now = presence(&server.client(), USER).await;
    assert_eq!(
        (now.availability, now.activity),
        (Availability::Busy, Activity::InACall)
    );
}
