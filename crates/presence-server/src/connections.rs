//! Open files and client connections: the soft limit of open files is raised to the hard
//! one at start, and client connections are kept well below it.
//!
//! **Invariant: the server never runs out of file descriptors because of its clients.**
//! Connections are capped (`--max-connections`) below the limit, with room left for the
//! database, the outbox and outgoing notifications; past three quarters of the cap no
//! connection is kept alive after its answer (`Connection: close`), so idle keep-alive
//! connections cannot fill the cap and leave new clients waiting (before, about 1,000 idle
//! connections at the common limit of 1,024 made every new one time out for a minute).
//! A connection that never sends a request is closed after the request timeout (10 s).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web;

/// File descriptors kept for everything but client connections: the database's
/// (`reserve_per_database_connection` each), listeners, the runtime, log and outgoing HTTP.
const RESERVED_FILES: u64 = 96;
/// Each database connection: a socket (PostgreSQL), or the database, its WAL and its
/// shared memory (SQLite).
const FILES_PER_DATABASE_CONNECTION: u64 = 3;
/// Never more than this many connections by default, whatever the limit.
const MOST_CONNECTIONS: u64 = 50_000;

/// Raises the soft limit of open files to the hard one (Linux), logging both; the soft
/// limit in force afterwards, if known.
pub fn raise_open_files_limit() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        let (soft, hard) = (limit.current, limit.maximum);
        if soft != hard {
            let raised = Rlimit {
                current: hard,
                maximum: hard,
            };
            match setrlimit(Resource::Nofile, raised) {
                Ok(()) => {
                    tracing::info!(
                        from = soft.map_or("unlimited".into(), |n| n.to_string()),
                        to = hard.map_or("unlimited".into(), |n| n.to_string()),
                        "raised the soft limit of open files to the hard limit"
                    );
                    return hard.or(Some(u64::MAX));
                }
                Err(error) => tracing::warn!(%error, "cannot raise the limit of open files"),
            }
        }
        tracing::info!(
            soft = soft.map_or("unlimited".into(), |n| n.to_string()),
            hard = hard.map_or("unlimited".into(), |n| n.to_string()),
            "limit of open files"
        );
        soft.or(Some(u64::MAX))
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// The default of `--max-connections`: the open-files limit less what the server needs
/// besides its clients (`database_connections` included), at least 16.
pub fn default_cap(open_files: Option<u64>, database_connections: u32) -> usize {
    let reserved =
        RESERVED_FILES + FILES_PER_DATABASE_CONNECTION * 2 * u64::from(database_connections);
    let cap = open_files.map_or(MOST_CONNECTIONS, |limit| {
        limit.saturating_sub(reserved).min(MOST_CONNECTIONS)
    });
    usize::try_from(cap.max(16)).unwrap_or(usize::MAX)
}

/// The client connections open now, counted by a token each connection holds.
#[derive(Debug)]
pub struct Connections {
    open: Arc<AtomicUsize>,
    /// Past this many, answers close their connection.
    keep_alive_below: usize,
}

/// Held in a connection's data for as long as it is open.
#[derive(Debug)]
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Connections {
    /// Counts for a server capped at `cap` connections.
    pub fn new(cap: usize) -> Self {
        Self {
            open: Arc::default(),
            keep_alive_below: cap / 4 * 3,
        }
    }

    /// For `HttpServer::on_connect`: counts the new connection until it closes.
    pub fn opened(&self, data: &mut actix_web::dev::Extensions) {
        self.open.fetch_add(1, Ordering::Relaxed);
        data.insert(Open(self.open.clone()));
    }

    /// Connections open now.
    pub fn count(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    fn crowded(&self) -> bool {
        self.count() > self.keep_alive_below
    }
}

/// Middleware: past three quarters of the cap, each answer closes its connection.
pub async fn shed_keep_alive(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let crowded = req
        .app_data::<web::Data<Connections>>()
        .is_some_and(|connections| connections.crowded());
    let mut response = next.call(req).await?;
    if crowded {
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cap_leaves_room_for_the_database() {
        assert_eq!(default_cap(Some(1024), 10), 1024 - 96 - 60);
        assert_eq!(default_cap(Some(100), 10), 16);
        assert_eq!(default_cap(None, 10), 50_000);
        assert_eq!(default_cap(Some(u64::MAX), 10), 50_000);
    }
}
