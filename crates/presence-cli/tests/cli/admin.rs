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

    let users = admin.json(&["admin", "users"]);
    assert_eq!(users["value"][0]["id"], USER);
    let user = admin.json(&["admin", "user", USER]);
    assert_eq!(user["presence"]["availability"], "Available");
    assert_eq!(user["sessions"][0]["sessionId"], APP);

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
    // The history records the fade (its watch task may take a moment to see it).
    let mut causes = Vec::new();
    for _ in 0..100 {
        let changes = admin.json(&["admin", "changes", USER]);
        causes = changes["value"]
            .as_array()
            .map(|all| all.iter().map(|c| c["cause"].to_string()).collect())
            .unwrap_or_default();
        if causes.first().is_some_and(|c| c == "\"fade\"") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(causes, ["\"fade\"", "\"write\""]);

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

#[tokio::test]
async fn faults_and_the_journal_from_the_command_line() {
    let server = TestServer::start_with(&[]).await;
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
    let rule = admin.json(&[
        "admin",
        "fault",
        "add",
        "--operation",
        "get_presence",
        "--status",
        "503",
        "--times",
        "1",
    ]);
    let id = rule["id"].as_str().expect("an id").to_owned();
    let refused = writer.run(&["get", USER]);
    assert_eq!(refused.status.code(), Some(5), "a 503 is a server failure");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("serviceNotAvailable"));
    assert_eq!(
        admin.json(&["admin", "fault", "list"])["value"],
        serde_json::json!([])
    );

    let faulted = admin.json(&["admin", "requests", "--status", "503"]);
    assert_eq!(faulted["value"][0]["fault"], id.as_str());
    assert_eq!(faulted["value"][0]["operation"], "get_presence");

    // --follow prints what happens from now on, oldest first.
    let follower = std::process::Command::new(env!("CARGO_BIN_EXE_presencectl"))
        .args([
            "--url",
            &admin.url,
            "--token",
            &admin.token,
            "--output",
            "json",
        ])
        .args(["admin", "requests", "--follow", "--count", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("presencectl runs");
    // It says when it follows: from then on nothing is missed.
    let mut follower = follower;
    let mut said = std::io::BufReader::new(follower.stderr.take().expect("piped"));
    let said = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut said, &mut line).map(|_| line)
    })
    .await
    .expect("joins")
    .expect("readable");
    assert!(said.starts_with("following from entry"), "{said}");
    writer.ok(&["set", USER, "-a", "Busy", "-c", "InACall"]);
    writer.ok(&["get", USER]);
    let output = tokio::task::spawn_blocking(move || follower.wait_with_output())
        .await
        .expect("joins")
        .expect("finishes");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let operations: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["operation"].as_str())
        .collect();
    assert_eq!(operations, ["set_presence", "get_presence"]);

    admin.ok(&["admin", "requests", "--clear"]);
    assert_eq!(
        admin.json(&["admin", "requests"])["value"],
        serde_json::json!([])
    );
}

#[tokio::test]
async fn teams_and_outlook_states_from_the_command_line() {
    let server = TestServer::start_with(&[]).await;
    let admin = Ctl::for_server(&server, server.admin_token().expect("an admin token"));
    let reader = Ctl::for_server(
        &server,
        app_token(&server.secret(), "default", APP, &["Presence.Read.All"]),
    );
    admin.ok(&[
        "admin",
        "client",
        "set",
        USER,
        "teams-desktop",
        "-a",
        "DoNotDisturb",
        "-c",
        "UrgentInterruptionsOnly",
    ]);
    let shown = reader.json(&["get", USER]);
    assert_eq!(
        (shown["availability"].as_str(), shown["activity"].as_str()),
        (Some("DoNotDisturb"), Some("UrgentInterruptionsOnly"))
    );
    admin.ok(&["admin", "client", "remove", USER, "teams-desktop"]);

    admin.ok(&[
        "admin",
        "out-of-office",
        USER,
        "--message",
        "Away until Monday",
    ]);
    let shown = reader.json(&["get", USER]);
    assert_eq!(shown["activity"], "OutOfOffice");
    assert_eq!(shown["outOfOfficeSettings"]["message"], "Away until Monday");
    admin.ok(&["admin", "out-of-office", USER, "--off"]);
    assert_eq!(
        reader.json(&["get", USER])["outOfOfficeSettings"]["isOutOfOffice"],
        false
    );

    let now = jiff::Timestamp::now();
    let (start, end) = (
        now.to_string(),
        (now + jiff::SignedDuration::from_hours(1)).to_string(),
    );
    let entry = admin.json(&[
        "admin",
        "calendar",
        "add",
        USER,
        "--start",
        &start,
        "--end",
        &end,
        "--subject",
        "Planning",
    ]);
    let id = entry["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        admin.json(&["admin", "calendar", "list", USER])["value"][0]["subject"],
        "Planning"
    );
    admin.ok(&["admin", "calendar", "remove", USER, &id]);
    assert_eq!(
        admin.json(&["admin", "calendar", "list", USER])["value"],
        serde_json::json!([])
    );
    assert_eq!(
        admin
            .run(&["admin", "calendar", "remove", USER, &id])
            .status
            .code(),
        Some(4)
    );
}

#[tokio::test]
async fn export_and_import_from_the_command_line() {
    let server = TestServer::start_with(&[]).await;
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
    writer.ok(&["set", USER, "-a", "Busy", "-c", "InACall", "--for", "1h"]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("state.json");
    let path = file.to_str().expect("utf-8");
    admin.ok(&["admin", "export", "--file", path]);
    let exported = std::fs::read_to_string(&file).expect("written");
    assert!(exported.contains("InACall"), "{exported}");
    admin.ok(&["admin", "reset"]);
    assert_eq!(writer.json(&["get", USER])["availability"], "Offline");
    let outcome = admin.json(&["admin", "import", path, "--mode", "replace"]);
    assert_eq!(outcome["users"], 1);
    assert_eq!(writer.json(&["get", USER])["activity"], "InACall");
    assert_eq!(
        admin.ok(&["admin", "export"]),
        exported,
        "the same bytes back"
    );
}
