//! `presencectl admin …` against a JWT server with the manual clock.

use presence_test_support::{TestServer, app_token};

use crate::ctl::Ctl;

const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

#[tokio::test]
async fn admin_commands_read_info_move_the_clock_and_reset() {
    let server = TestServer::start_with(&["--clock", "manual"]).await;
    let admin = Ctl::for_server(&server, server.admin_token().expect("an admin token"));
    let writer = Ctl::for_server(
        &server,
        app_token(
            &server.secret(),
            "default",
            APP,
            &["Presence.ReadWrite.All"],
        ),
    );
    writer.ok(&[
        "set",
        USER,
        "-a",
        "Available",
        "-c",
        "Available",
        "--for",
        "1h",
    ]);

    let info = admin.json(&["admin", "info"]);
    assert_eq!(info["clock"], "manual");
    assert_eq!(info["counts"]["sessions"], 1);

    let before: jiff::Timestamp = admin.json(&["admin", "clock"])["now"]
        .as_str()
        .and_then(|now| now.parse().ok())
        .expect("a time");
    let after: jiff::Timestamp = admin.json(&["admin", "clock", "--advance", "6m"])["now"]
        .as_str()
        .and_then(|now| now.parse().ok())
        .expect("a time");
    assert_eq!(
        after.duration_since(before),
        jiff::SignedDuration::from_mins(6)
    );
    assert_eq!(writer.json(&["get", USER])["availability"], "AvailableIdle");

    let outcome = admin.json(&["admin", "reset", "--tenant", "default", "--user", USER]);
    assert_eq!(
        (outcome["users"].as_i64(), outcome["subscriptions"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(writer.json(&["get", USER])["availability"], "Offline");

    // A user without a tenant is a usage error; a token without the role, an auth error.
    assert_eq!(
        admin.run(&["admin", "reset", "--user", USER]).status.code(),
        Some(2)
    );
    let refused = writer.run(&["admin", "reset"]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Presence.Admin"));
}
