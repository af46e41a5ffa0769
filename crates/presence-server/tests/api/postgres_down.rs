//! PostgreSQL out of reach: `/healthz` answers 503 within the database timeout, requests
//! 503 (never a 500 or a hang), and everything recovers without a restart once PostgreSQL is
//! back. PostgreSQL is put out of reach by a proxy the test
//! controls, so the other tests' cluster stays up.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use presence_test_support::{Backend, TestServer, backend, database_url_for};

/// A TCP proxy to PostgreSQL that can be cut (every connection closed, new ones refused)
/// and restored on the same port.
pub(crate) struct Proxy {
    pub(crate) addr: SocketAddr,
    upstream: String,
    running: Arc<Mutex<Option<tokio::task::AbortHandle>>>,
}

impl Proxy {
    pub(crate) async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address");
        let proxy = Self {
            addr,
            upstream,
            running: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        let task = tokio::spawn(async move {
            // Dropped with the task: every proxied connection is cut.
            let mut connections = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                connections.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        *self.running.lock().expect("not poisoned") = Some(task.abort_handle());
    }

    /// PostgreSQL is gone: connections are cut, new ones refused.
    pub(crate) fn cut(&self) {
        if let Some(task) = self.running.lock().expect("not poisoned").take() {
            task.abort();
        }
    }

    /// PostgreSQL is back on the same address.
    pub(crate) async fn restore(&self) {
        let listener = loop {
            // The aborted task lets go of the port as it unwinds.
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(_) => tokio::task::yield_now().await,
            }
        };
        self.serve(listener);
    }
}

async fn status_and_time(request: reqwest::RequestBuilder) -> (u16, Duration, Option<String>) {
    let started = Instant::now();
    let response = request.send().await.expect("answers");
    let took = started.elapsed();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status().as_u16(), took, retry)
}

#[tokio::test]
async fn with_postgresql_out_of_reach_requests_fail_fast_and_recover_without_a_restart() {
    if backend() != Backend::Postgres {
        eprintln!("needs PostgreSQL (PRESENCE_TEST_POSTGRES)");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let direct = database_url_for(dir.path()).await;
    // postgres://user@host:port/name → the same through the proxy.
    let (scheme_user, rest) = direct.split_once('@').expect("user@host");
    let (host_port, name) = rest.split_once('/').expect("host:port/name");
    let proxy = Proxy::start(host_port.to_owned()).await;
    let via_proxy = format!("{scheme_user}@{}/{name}", proxy.addr);
    let server = TestServer::start_bare(
        dir.path(),
        &[
            "--auth",
            "none",
            "--data-dir",
            &dir.path().display().to_string(),
            "--database-url",
            &via_proxy,
        ],
    )
    .await;
    let http = reqwest::Client::new();
    let set = |user: &str| {
        http.post(server.url(&format!("/v1.0/users/{user}/presence/setPresence")))
            .json(&serde_json::json!({"sessionId": "app", "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"}))
    };
    assert_eq!(status_and_time(set("before")).await.0, 200);

    proxy.cut();
    // Health within about the database timeout (1 s; before, the pool's 10 s).
    let (status, took, retry) = status_and_time(http.get(server.url("/healthz"))).await;
    assert_eq!(status, 503, "unhealthy while PostgreSQL is out of reach");
    assert!(retry.is_some(), "with Retry-After");
    assert!(
        took < Duration::from_secs(5),
        "healthz answered after {took:?}"
    );
    // Requests: 503 with Retry-After within about the database timeout too (before, each
    // waited the pool's 10 s for a connection, holding an in-flight slot), whether they are
    // the first after the outage or come while it is known.
    for request in [
        set("during"),
        http.get(server.url("/v1.0/users/someone-new/presence")),
        set("during-again"),
    ] {
        let (status, took, retry) = status_and_time(request).await;
        assert_eq!(status, 503, "unavailable while PostgreSQL is out of reach");
        assert!(retry.is_some(), "with Retry-After");
        assert!(
            took < Duration::from_secs(5),
            "a request answered 503 after {took:?}"
        );
    }

    proxy.restore().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, _, _) = status_and_time(set("after")).await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "only 503 while it comes back");
        assert!(Instant::now() < deadline, "never recovered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, _, _) = status_and_time(http.get(server.url("/healthz"))).await;
    assert_eq!(status, 200, "healthy again");
}
