//! Starting and stopping real `presence-server` processes for integration tests, and
//! minting the tokens they accept.
//!
//! The binaries are found next to the running test executable (`target/<profile>/`): every
//! test binary of the workspace lives in `target/<profile>/deps/`, and `cargo test
//! --workspace` builds all binaries before it runs any test.

mod database;
mod webhook;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use presence_client::Client;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub use database::{
    Backend, POSTGRES_ENV, backend, database_url_for, signing_key_pem, stored_sessions,
};
pub use webhook::{WebhookReceiver, validation_token};

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
    /// The server's data directory.
    pub data_dir: PathBuf,
    /// The server's database (SQLite in the data directory, or PostgreSQL: see [`backend`]).
    pub database_url: String,
    /// Keeps the temporary directory alive for the server's lifetime when we own it.
    _owned_dir: Option<TempDir>,
}

impl TestServer {
    /// A server on a fresh temporary database, without authentication (`--auth none`):
    /// for tests of Graph's presence rules rather than of identity.
    pub async fn start() -> Self {
        Self::start_with(&["--auth", "none"]).await
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
        let database_url = database::database_url_for(data_dir).await;
        Self::launch(data_dir, &database_url, args).await
    }

    /// Another instance on the same database as `self` (with its own data directory): two
    /// instances behind one service, as deployed on PostgreSQL.
    pub async fn start_sharing(&self, args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let secret = self.data_dir.join(database::SECRET_FILE);
        if secret.exists() {
            std::fs::copy(&secret, dir.path().join(database::SECRET_FILE))
                .expect("the secret can be shared");
        }
        let mut server = Self::launch(dir.path(), &self.database_url, args).await;
        server._owned_dir = Some(dir);
        server
    }

    /// Two instances on one fresh database, started at the same moment (so they race to
    /// apply its migrations), each with its own data directory and the same keys.
    pub async fn start_pair(args: &[&str]) -> (Self, Self) {
        let (first_dir, second_dir) = (
            tempfile::tempdir().expect("a temporary directory"),
            tempfile::tempdir().expect("a temporary directory"),
        );
        let database_url = database::database_url_for(first_dir.path()).await;
        database::shared_keys(first_dir.path(), args);
        let secret = first_dir.path().join(database::SECRET_FILE);
        if secret.exists() {
            std::fs::copy(&secret, second_dir.path().join(database::SECRET_FILE))
                .expect("the secret can be shared");
        }
        let (mut first, mut second) = tokio::join!(
            Self::launch(first_dir.path(), &database_url, args),
            Self::launch(second_dir.path(), &database_url, args),
        );
        first._owned_dir = Some(first_dir);
        second._owned_dir = Some(second_dir);
        (first, second)
    }

    async fn launch(data_dir: &Path, database_url: &str, args: &[&str]) -> Self {
        let keys = database::shared_keys(data_dir, args);
        let mut command = Command::new(binary("presence-server"));
        command
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--database-url")
            .arg(database_url)
            .args(args)
            .args(keys);
        let mut server = Self::spawn(command).await;
        server.data_dir = data_dir.to_path_buf();
        server.database_url = database_url.to_owned();
        server
    }

    /// A server with only `args` (no data directory, no database URL), run from the
    /// working directory `dir` (which the caller keeps, and [`TestServer::data_dir`]
    /// names): what an in-memory server must leave untouched.
    pub async fn start_bare(dir: &Path, args: &[&str]) -> Self {
        let mut command = Command::new(binary("presence-server"));
        command
            .current_dir(dir)
            .arg("--listen")
            .arg("127.0.0.1:0")
            .args(args);
        let mut server = Self::spawn(command).await;
        server.data_dir = dir.to_path_buf();
        server
    }

    /// Starts `command` and waits until the server says where it listens.
    async fn spawn(mut command: Command) -> Self {
        presence_client::install_crypto_provider();
        let mut child = command
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
                if let Some(at) = line
                    .find("listening on http://")
                    .or_else(|| line.find("listening on https://"))
                {
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
            data_dir: PathBuf::new(),
            database_url: String::new(),
            _owned_dir: None,
        }
    }

    /// The CA a `--tls` server issued its certificate from (`DATA_DIR/tls/ca.pem`), if any.
    pub fn ca_pem(&self) -> Option<Vec<u8>> {
        std::fs::read(self.data_dir.join("tls").join("ca.pem")).ok()
    }

    /// An HTTP client for this server: trusting its local CA when it serves HTTPS.
    pub fn http(&self) -> reqwest::Client {
        let mut builder = reqwest::Client::builder();
        if let Some(pem) = self.ca_pem() {
            builder = builder
                .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("a PEM CA"));
        }
        builder.build().expect("an HTTP client")
    }

    /// A generated client for the v1.0 base URL.
    pub fn client(&self) -> Client {
        self.client_for("v1.0")
    }

    /// The HS256 secret this server generated in its data directory.
    pub fn secret(&self) -> String {
        presence_cli::token::secret_from_data_dir(&self.data_dir)
            .expect("the server generated its secret")
    }

    /// A generated client for another version's base URL (`beta`).
    pub fn client_for(&self, version: &str) -> Client {
        Client::new_with_client(&format!("{}/{version}", self.origin), self.http())
    }

    /// An absolute URL for a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Sends SIGKILL: the process dies at once, as in a crash.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("the server can be killed");
    }

    /// Sends SIGTERM and waits for a graceful exit; returns whether it exited successfully.
    pub async fn stop(self) -> bool {
        self.stop_with("TERM").await
    }

    /// Sends `signal` (`TERM`, `INT`) and waits for the exit; returns whether it was clean.
    pub async fn stop_with(mut self, signal: &str) -> bool {
        let pid = self.child.id().expect("the server is running");
        let sent = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM was delivered");
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("the server exits after SIGTERM")
            .expect("the exit status is readable");
        status.success()
    }

    /// `method path` with a bearer token and an optional JSON body: the status and the JSON
    /// answer (`Null` when there is none).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .http()
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("answers");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// A `Presence.Admin` application token for this server, when it checks tokens with a
    /// secret the harness knows (its data directory's, or the shared one on PostgreSQL).
    pub fn admin_token(&self) -> Option<String> {
        let secret = presence_cli::token::secret_from_data_dir(&self.data_dir).ok()?;
        Some(app_token(
            &secret,
            presence_cli::token::DEFAULT_TENANT,
            APP,
            &[presence_model::token::PRESENCE_ADMIN],
        ))
    }

    /// A generated client for the control plane: its base URL is the server's root (admin
    /// paths are not under a Graph version), with an admin token when the server checks
    /// tokens.
    pub fn admin_client(&self) -> Client {
        match self.admin_token() {
            Some(token) => {
                presence_client::connect(&self.origin, Some(&token), self.ca_pem().as_deref())
                    .expect("a valid admin token")
            }
            None => Client::new_with_client(&self.origin, self.http()),
        }
    }

    /// A request to `/admin…`, carrying an admin token when the server checks tokens.
    pub fn admin_request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.http().request(method, self.url(path));
        match self.admin_token() {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// The server's clock (the server must run with `--clock manual`).
    pub async fn clock_now(&self) -> jiff::Timestamp {
        let reading: serde_json::Value = self
            .admin_request(reqwest::Method::GET, "/admin/clock")
            .send()
            .await
            .expect("the admin endpoint answers")
            .json()
            .await
            .expect("JSON");
        reading["now"]
            .as_str()
            .and_then(|now| now.parse().ok())
            .expect("an RFC 3339 time")
    }

    /// Moves the manual clock forward (the server must run with `--clock manual`).
    pub async fn advance_clock(&self, by: &str) {
        let response = self
            .admin_request(reqwest::Method::POST, "/admin/clock/advance")
            .json(&serde_json::json!({ "by": by }))
            .send()
            .await
            .expect("the admin endpoint answers");
        assert_eq!(response.status(), 200, "advancing the clock by {by}");
    }
}

/// setPresence through the generated client; panics unless it succeeds.
pub async fn set_presence(
    client: &Client,
    user: &str,
    app: &str,
    availability: presence_client::types::Availability,
    activity: presence_client::types::Activity,
    expiration: Option<&str>,
) {
    client
        .set_presence()
        .id(user)
        .body(set_request(app, availability, activity, expiration))
        .send()
        .await
        .unwrap_or_else(|e| panic!("setPresence {availability}/{activity} for {user}: {e}"));
}

/// GET presence through the generated client; panics unless it succeeds.
pub async fn get_presence(client: &Client, user: &str) -> presence_client::types::Presence {
    client
        .get_presence()
        .id(user)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET presence of {user}: {e}"))
        .into_inner()
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

/// A workspace binary, built next to the running test executable.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    let dir = exe
        .parent()
        .and_then(|deps| {
            if deps.ends_with("deps") {
                deps.parent()
            } else {
                Some(deps)
            }
        })
        .expect("the test executable is in target/<profile>/deps");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test --workspace`, which builds it",
        path.display()
    );
    path
}

/// A token with `roles` for application `app`, in tenant `tenant`, signed with `secret`.
pub fn app_token(secret: &str, tenant: &str, app: &str, roles: &[&str]) -> String {
    token(
        secret,
        tenant,
        app,
        None,
        roles,
        jiff::SignedDuration::from_hours(1),
    )
}

/// A delegated token for `user` with `scopes`, issued to `app`, signed with `secret`.
pub fn user_token(secret: &str, tenant: &str, app: &str, user: &str, scopes: &[&str]) -> String {
    token(
        secret,
        tenant,
        app,
        Some(user),
        scopes,
        jiff::SignedDuration::from_hours(1),
    )
}

/// Any token: delegated when `user` is given.
pub fn token(
    secret: &str,
    tenant: &str,
    app: &str,
    user: Option<&str>,
    permissions: &[&str],
    lifetime: jiff::SignedDuration,
) -> String {
    let request = presence_cli::token::TokenRequest {
        tenant: tenant.to_owned(),
        app_id: app.to_owned(),
        user: user.map(str::to_owned),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        lifetime,
        audience: None,
        issuer: None,
    };
    presence_cli::token::mint(&request, secret, jiff::Timestamp::now()).expect("a signed token")
}
