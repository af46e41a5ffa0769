//! Every subcommand against a real server: JSON output parsed and checked, exit codes for
//! each class of error.

use std::process::Stdio;

use tokio::io::AsyncBufReadExt;

use presence_test_support::{TestServer, app_token, user_token};

use crate::ctl::Ctl;
use serde_json::Value;

const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const OTHER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const TENANT: &str = "default";

#[tokio::test]
async fn every_subcommand_round_trips_through_the_server() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let app = Ctl::for_server(
        &server,
        app_token(&secret, TENANT, APP, &["Presence.ReadWrite.All"]),
    );

    app.ok(&[
        "set",
        USER,
        "--availability",
        "busy",
        "--activity",
        "InACall",
        "--for",
        "1h30m",
    ]);
    let presence = app.json(&["get", USER]);
    assert_eq!(
        (
            presence["availability"].as_str(),
            presence["activity"].as_str()
        ),
        (Some("Busy"), Some("InACall"))
    );

    app.ok(&[
        "prefer",
        USER,
        "-a",
        "DoNotDisturb",
        "-c",
        "DoNotDisturb",
        "--for",
        "8h",
    ]);
    assert_eq!(app.json(&["get", USER])["availability"], "DoNotDisturb");
    app.ok(&["unprefer", USER]);
    assert_eq!(app.json(&["get", USER])["availability"], "Busy");

    app.ok(&[
        "status",
        "set",
        USER,
        "In a meeting",
        "--expires",
        "2099-01-01T10:00",
        "--time-zone",
        "Pacific Standard Time",
    ]);
    let presence = app.json(&["get", USER]);
    assert_eq!(
        presence["statusMessage"]["message"]["content"],
        "In a meeting"
    );
    assert_eq!(
        presence["statusMessage"]["expiryDateTime"]["dateTime"],
        "2099-01-01T18:00:00.0000000"
    );
    app.ok(&["status", "clear", USER]);
    assert_eq!(app.json(&["get", USER])["statusMessage"], Value::Null);

    let both = app.json(&["get", OTHER, USER]);
    let ids: Vec<&str> = both["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids, [OTHER, USER]);
    let batch = app.json(&["batch", USER]);
    assert_eq!(batch["value"][0]["availability"], "Busy");

    app.ok(&["clear", USER]);
    assert_eq!(app.json(&["get", USER])["availability"], "Offline");

    // Location needs a delegated token; `me` is its user.
    let me = Ctl::for_server(
        &server,
        user_token(&secret, TENANT, APP, USER, &["Presence.ReadWrite"]),
    );
    me.ok(&["location", "set", "me", "office", "--place", "b42"]);
    let presence = me.json(&["get", "me"]);
    assert_eq!(presence["id"], USER);
    assert_eq!(presence["workLocation"]["workLocationType"], "office");
    assert_eq!(presence["workLocation"]["source"], "manual");
    me.ok(&["location", "set", "me", "remote", "--automatic"]);
    me.ok(&["location", "clear", "me"]);
    assert_eq!(me.json(&["get", "me"])["workLocation"]["source"], "none");

    // The table output is for people: a header and one row.
    let table = std::process::Command::new(env!("CARGO_BIN_EXE_presencectl"))
        .args([
            "--url",
            &server.origin,
            "--token",
            &app.token,
            "--output",
            "table",
            "get",
            USER,
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("USER"), "{text}");
    assert!(text.contains(USER) && text.contains("Offline"), "{text}");
}

#[tokio::test]
async fn exit_codes_tell_the_class_of_failure() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let app = Ctl::for_server(
        &server,
        app_token(&secret, TENANT, APP, &["Presence.ReadWrite.All"]),
    );
    let reader = Ctl::for_server(
        &server,
        app_token(&secret, TENANT, APP, &["Presence.Read.All"]),
    );
    let nobody = Ctl::for_server(&server, "not-a-token".into());
    let unreachable = Ctl {
        url: "http://127.0.0.1:1".into(),
        token: app.token.clone(),
    };
    let cases: Vec<(&Ctl, Vec<&str>, i32, &str)> = vec![
        (&app, vec!["clear", USER], 4, "NotFound"),
        (&nobody, vec!["get", USER], 3, "InvalidAuthenticationToken"),
        (
            &reader,
            vec!["set", USER, "-a", "Away", "-c", "Away"],
            3,
            "Forbidden",
        ),
        (
            &app,
            vec!["set", USER, "-a", "Busy", "-c", "Busy"],
            1,
            "InvalidArgument",
        ),
        (
            &app,
            vec!["set", USER, "-a", "Sleepy", "-c", "Away"],
            2,
            "Sleepy",
        ),
        (
            &app,
            vec!["set", USER, "-a", "Away", "-c", "Away", "--for", "soon"],
            2,
            "soon",
        ),
        (&app, vec!["frobnicate"], 2, "frobnicate"),
        (&app, vec!["get", "me"], 2, "me"),
        (&unreachable, vec!["get", USER], 5, "error"),
    ];
    for (ctl, args, code, mention) in cases {
        let output = ctl.run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(mention), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn watch_prints_each_change_as_it_happens() {
    let server = TestServer::start_with(&[]).await;
    let secret = server.secret();
    let token = app_token(&secret, TENANT, APP, &["Presence.ReadWrite.All"]);
    let app = Ctl::for_server(&server, token.clone());
    let watcher = tokio::process::Command::new(env!("CARGO_BIN_EXE_presencectl"))
        .args([
            "--url",
            &server.origin,
            "--token",
            &token,
            "--output",
            "json",
        ])
        .args(["watch", USER, "--changes", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("watch starts");
    // Each write waits for the line before it: the watcher's first line (the current state)
    // says it is connected, so no change can be missed however late it connects.
    let mut watcher = watcher;
    let mut stdout = tokio::io::BufReader::new(watcher.stdout.take().expect("piped")).lines();
    let mut lines: Vec<Value> = Vec::new();
    let mut next_line = async || {
        let line = tokio::time::timeout(std::time::Duration::from_secs(20), stdout.next_line())
            .await
            .expect("watch prints in time")
            .expect("readable")
            .expect("a line before the end");
        serde_json::from_str::<Value>(&line).expect("one JSON object per line")
    };
    lines.push(next_line().await);
    app.ok(&["set", USER, "-a", "Available", "-c", "Available"]);
    lines.push(next_line().await);
    app.ok(&["set", USER, "-a", "DoNotDisturb", "-c", "Presenting"]);
    lines.push(next_line().await);
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        watcher.wait_with_output(),
    )
    .await
    .expect("watch stops after two changes")
    .expect("output");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let states: Vec<String> = lines
        .iter()
        .map(|l| {
            format!(
                "{}/{}",
                l["presence"]["availability"].as_str().unwrap_or(""),
                l["presence"]["activity"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            "Offline/Offline",
            "Available/Available",
            "DoNotDisturb/Presenting"
        ]
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_presencectl"))
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(output.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("presencectl"),
            "{shell}"
        );
    }
}
