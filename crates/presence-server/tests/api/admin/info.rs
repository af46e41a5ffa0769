//! `GET /admin/info` and the clock, through the generated client.

use presence_client::types::ClockAdvance;
use presence_test_support::TestServer;

use super::*;

#[tokio::test]
async fn info_tells_the_configuration_and_what_the_database_holds() {
    let server = server().await;
    let token = writer(&server, TENANT);
    set_available(&server, &token, ALICE).await;
    set_available(&server, &writer(&server, OTHER_TENANT), BOB).await;
    let info = server
        .admin_client()
        .admin_info()
        .send()
        .await
        .expect("info answers")
        .into_inner();
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!((info.clock.as_str(), info.auth.as_str()), ("system", "jwt"));
    assert_eq!(info.database, presence_test_support::backend().name());
    assert!(!info.in_memory);
    assert!(info.uptime_seconds >= 0);
    assert_eq!(
        (info.counts.tenants, info.counts.users, info.counts.sessions),
        (2, 2, 2)
    );
    assert_eq!(
        (info.counts.subscriptions, info.counts.pending_notifications),
        (0, 0)
    );
}

#[tokio::test]
async fn the_clock_is_read_and_moved_through_the_client() {
    let server = TestServer::start_with(&["--auth", "none", "--clock", "manual"]).await;
    let admin = server.admin_client();
    let before = admin
        .admin_read_clock()
        .send()
        .await
        .expect("reads")
        .into_inner();
    let after = admin
        .admin_advance_clock()
        .body(ClockAdvance { by: "PT6M".into() })
        .send()
        .await
        .expect("moves")
        .into_inner();
    let (before, after): (jiff::Timestamp, jiff::Timestamp) = (
        before.now.parse().expect("RFC 3339"),
        after.now.parse().expect("RFC 3339"),
    );
    assert_eq!(
        after.duration_since(before),
        jiff::SignedDuration::from_mins(6)
    );
    let info = admin.admin_info().send().await.expect("info").into_inner();
    assert_eq!(
        (info.clock.as_str(), info.auth.as_str()),
        ("manual", "none")
    );
    assert_eq!(info.now, after.to_string());
}
