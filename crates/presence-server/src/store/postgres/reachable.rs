//! Whether PostgreSQL can be reached, known ahead of any request: a probe connects to its
//! address every [`PROBE_EVERY`]; while the last probe failed, requests are answered 503 at
//! once instead of waiting for a connection that cannot come, and the requests already
//! waiting when it fails are answered 503 then ([`Reachability::guard`]).
//!
//! Why not simply a short acquire timeout on the pool: waiting for a connection is also what
//! a burst of requests does on a healthy database (600 writes on a pool of 10), and those
//! should queue, not fail. The pool's timeout stays for that; this tells "down" from "busy".

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;

/// How often the address is probed.
const PROBE_EVERY: Duration = Duration::from_millis(250);

/// Where PostgreSQL listens.
#[derive(Debug, Clone)]
enum Address {
    Tcp(String, u16),
    Socket(PathBuf),
}

/// The last probe's verdict, shared by the store's clones.
#[derive(Debug, Clone)]
pub struct Reachability {
    down: tokio::sync::watch::Receiver<bool>,
    probe: Arc<tokio::task::AbortHandle>,
}

impl Reachability {
    /// Starts probing the address of `options`; a probe that does not connect within
    /// `timeout` marks PostgreSQL down until one does.
    pub fn watch(options: &PgConnectOptions, timeout: Duration) -> Self {
        let address = match options.get_socket() {
            Some(dir) => Address::Socket(dir.join(format!(".s.PGSQL.{}", options.get_port()))),
            None => Address::Tcp(options.get_host().to_owned(), options.get_port()),
        };
        let (flag, down) = tokio::sync::watch::channel(false);
        let probe = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(PROBE_EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let reached = tokio::time::timeout(timeout, connect(&address))
                    .await
                    .is_ok_and(|connected| connected.is_ok());
                let was_down = flag.send_replace(!reached);
                if was_down == reached {
                    if reached {
                        tracing::info!("PostgreSQL can be reached again");
                    } else {
                        tracing::error!(
                            "PostgreSQL cannot be reached: requests get 503 until it can"
                        );
                    }
                }
            }
        });
        Self {
            down,
            probe: Arc::new(probe.abort_handle()),
        }
    }

    /// `Err` (an I/O error: 503) while the last probe failed.
    pub fn check(&self) -> Result<(), sqlx::Error> {
        if *self.down.borrow() {
            Err(unreachable())
        } else {
            Ok(())
        }
    }

    /// Runs `work` unless PostgreSQL is, or becomes meanwhile, unreachable: then `Err` at
    /// once (dropping `work`: a transaction it had open is rolled back, and nothing of it was
    /// acknowledged).
    pub async fn guard<T>(&self, work: impl Future<Output = T>) -> Result<T, sqlx::Error> {
        self.check()?;
        let mut down = self.down.clone();
        tokio::select! {
            out = work => Ok(out),
            _ = down.wait_for(|down| *down) => Err(unreachable()),
        }
    }

    /// Stops probing.
    pub fn stop(&self) {
        self.probe.abort();
    }
}

async fn connect(address: &Address) -> std::io::Result<()> {
    match address {
        Address::Tcp(host, port) => tokio::net::TcpStream::connect((host.as_str(), *port))
            .await
            .map(drop),
        #[cfg(unix)]
        Address::Socket(path) => tokio::net::UnixStream::connect(path).await.map(drop),
        #[cfg(not(unix))]
        Address::Socket(_) => Ok(()),
    }
}

fn unreachable() -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::new(
        std::io::ErrorKind::ConnectionRefused,
        "PostgreSQL cannot be reached",
    ))
}
