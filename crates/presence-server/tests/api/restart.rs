//! State survives a restart of the server on the same database file.

use presence_client::types::{Activity, Availability};

use presence_test_support::{
    APP, OTHER_APP, TestServer, USER, clear_request, get_presence, set_request,
};

#[tokio::test]
async fn sessions_survive_a_graceful_restart() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let first = TestServer::start_in(dir.path(), &["--auth", "none"]).await;
    let client = first.client();
    for (app, availability, activity) in [
        (APP, Availability::Available, Activity::Available),
        (OTHER_APP, Availability::Busy, Activity::InACall),
    ] {
        client
            .set_presence()
            .id(USER)
            .body(set_request(app, availability, activity, Some("PT4H")))
            .send()
            .await
            .expect("set");
    }
    let before = get_presence(&client, USER).await;
    assert!(
        first.stop_with("INT").await,
        "SIGINT (Ctrl-C) gives a clean exit"
    );
    if presence_test_support::backend() == presence_test_support::Backend::Sqlite {
        assert!(
            dir.path().join("presence.db").exists(),
            "the database is a file in the data dir"
        );
    }

    let second = TestServer::start_in(dir.path(), &["--auth", "none"]).await;
    let client = second.client();
    let after = get_presence(&client, USER).await;
    assert_eq!(
        (after.availability, after.activity),
        (Availability::Busy, Activity::InACall)
    );
    assert_eq!(after.sequence_number, before.sequence_number);

    // Both sessions came back: clearing the busy one reveals the available one.
    client
        .clear_presence()
        .id(USER)
        .body(clear_request(OTHER_APP))
        .send()
        .await
        .expect("the busy session still exists after the restart");
    let remaining = get_presence(&client, USER).await;
    assert_eq!(remaining.availability, Availability::Available);
    assert!(second.stop().await, "SIGTERM gives a clean exit");
}
