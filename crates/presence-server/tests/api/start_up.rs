//! #25 item 4 and the start in a minimal container: one stable ready line on standard output
//! and `/readyz`, logs without colour codes off a terminal (or as JSON), and no panic when the
//! system has no CA certificates.

use std::process::Stdio;

use presence_test_support::binary;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// Starts the server with `args` and `env`, waits for its ready line, and answers the base
/// URL it names.
async fn start(args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    presence_client::install_crypto_provider();
    let mut command = Command::new(binary("presence-server"));
    command
        .args(["--in-memory", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the server starts");
    let stdout = child.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
        .await
        .expect("ready in time")
        .expect("stdout readable")
        .expect("a line on stdout");
    let base = first
        .strip_prefix("presence ready: ")
        .unwrap_or_else(|| panic!("the ready line, not {first:?}"))
        .to_owned();
    (child, base)
}

/// Stops `child` and answers what it wrote to standard error.
async fn stderr_of(mut child: Child) -> String {
    let _ = child.start_kill();
    let mut text = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut text).await;
    }
    text
}

#[tokio::test]
async fn the_ready_line_names_a_server_that_is_ready_and_logs_are_plain() {
    let (child, base) = start(&[], &[]).await;
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let answer = reqwest::get(format!("{base}/readyz"))
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
    let answer = reqwest::get(format!("{base}/livez"))
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
    let log = stderr_of(child).await;
    assert!(log.contains("listening on"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "no colour codes when standard error is not a terminal"
    );
}

#[tokio::test]
async fn json_logs_are_one_object_a_line() {
    let (child, _) = start(&["--log-format", "json"], &[]).await;
    let log = stderr_of(child).await;
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 3, "{log}");
    for line in lines {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            event["level"].is_string() && event["fields"].is_object(),
            "{line}"
        );
    }
}

#[tokio::test]
async fn a_system_without_ca_certificates_starts_with_the_built_in_roots() {
    let empty = tempfile::tempdir().expect("a temporary directory");
    let none = empty.path().join("none.pem");
    let (child, base) = start(
        &[],
        &[
            ("SSL_CERT_FILE", none.to_str().expect("utf-8")),
            ("SSL_CERT_DIR", empty.path().to_str().expect("utf-8")),
        ],
    )
    .await;
    let answer = reqwest::get(format!("{base}/readyz"))
        .await
        .expect("answers");
    assert_eq!(answer.status(), 200);
    let log = stderr_of(child).await;
    assert!(
        log.contains("roots built into presence-server"),
        "a warning names the fallback: {log}"
    );
    assert!(!log.contains("panicked"), "{log}");
}
