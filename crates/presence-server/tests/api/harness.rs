//! Starting and stopping a real server process for a test.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use presence_client::Client;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a server may take to report that it listens.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The seed scenario's user and application (Graph docs examples).
pub const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
pub const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
pub const OTHER_APP: &str = "8c5e2ed4-3ab1-4e1e-9a0a-3f4a1a5b6c7d";

/// A running `presence-server` process; killed when dropped.
pub struct TestServer {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a version.
    pub origin: String,
    /// Keeps the temporary directory alive for the server's lifetime when we own it.
    _owned_dir: Option<TempDir>,
}

impl TestServer {
    /// A server on a fresh temporary database.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// A server on a fresh temporary database, with extra command-line arguments.
    pub async fn start_with(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut server = Self::start_in(dir.path(), args).await;
        server._owned_dir = Some(dir);
        server
    }

    /// A server on the database in `data_dir` (which the caller keeps alive).
    pub async fn start_in(data_dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_presence-server"))
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .env("PRESENCE_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the server binary starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let mut lines = BufReader::new(stderr).lines();
        let origin = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await.expect("server log is readable") {
                if let Some(at) = line.find("listening on http://") {
                    let url = &line[at + "listening on ".len()..];
                    return url.split_whitespace().next().map(str::to_owned);
                }
            }
            None
        })
        .await
        .expect("the server reports its address in time")
        .expect("the server logs 'listening on'");
        // Keep draining the log so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            child,
            origin,
            _owned_dir: None,
        }
    }

    /// A generated client for the v1.0 base URL.
    pub fn client(&self) -> Client {
        Client::new(&format!("{}/v1.0", self.origin))
    }

    /// A generated client for another version's base URL (`beta`).
    pub fn client_for(&self, version: &str) -> Client {
        Client::new(&format!("{}/{version}", self.origin))
    }

    /// An absolute URL for a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Sends SIGTERM and waits for a graceful exit; returns whether it exited successfully.
    pub async fn stop(mut self) -> bool {
        let pid = self.child.id().expect("the server is running");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM was delivered");
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("the server exits after SIGTERM")
            .expect("the exit status is readable");
        status.success()
    }

    /// Moves the manual clock forward (the server must run with `--clock manual`).
    pub async fn advance_clock(&self, by: &str) {
        let response = reqwest::Client::new()
            .post(self.url("/admin/clock/advance"))
            .json(&serde_json::json!({ "by": by }))
            .send()
            .await
            .expect("the admin endpoint answers");
        assert_eq!(response.status(), 200, "advancing the clock by {by}");
    }
}

/// The body of a `setPresence` for `app`.
pub fn set_request(
    app: &str,
    availability: presence_client::types::Availability,
    activity: presence_client::types::Activity,
    expiration: Option<&str>,
) -> presence_client::types::SetPresenceRequest {
    presence_client::types::SetPresenceRequest {
        session_id: Some(app.to_owned()),
        availability,
        activity,
        expiration_duration: expiration.map(str::to_owned),
    }
}

/// The body of a `clearPresence` for `app`.
pub fn clear_request(app: &str) -> presence_client::types::ClearPresenceRequest {
    presence_client::types::ClearPresenceRequest {
        session_id: Some(app.to_owned()),
    }
}
