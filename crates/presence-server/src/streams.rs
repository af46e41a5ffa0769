//! The life of long-lived answers (server-sent event streams: `/events/presence`,
//! `/admin/events`): how many may be open, and when each must end.
//!
//! **Invariant: every stream holds a [`Slot`] for as long as it is fed, and ends with a last
//! `event: end` when the server stops or its token expires.** Slots are counted per
//! application within a tenant and per server, so one application cannot hold what every
//! other caller needs (each stream is a task, a channel and a database read every second);
//! a graceful stop does not wait for streams that would never end on their own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use actix_web::http::StatusCode;
use tokio::sync::watch;

use crate::error::GraphError;

/// The final event of a stream closed because the server stops.
pub const SHUTDOWN_EVENT: &[u8] = b"event: end\ndata: {\"reason\":\"shutdown\",\"message\":\"The server is stopping; reconnect once it is back.\"}\n\n";

/// The final event of a stream whose token expired; the stream closes after it.
pub const TOKEN_EXPIRED_EVENT: &[u8] = b"event: end\ndata: {\"reason\":\"tokenExpired\",\"message\":\"The access token of this stream expired; reconnect with a new one.\"}\n\n";

/// Why a stream must end now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Shutdown,
    TokenExpired,
}

impl End {
    /// The stream's last event.
    pub fn event(self) -> &'static [u8] {
        match self {
            End::Shutdown => SHUTDOWN_EVENT,
            End::TokenExpired => TOKEN_EXPIRED_EVENT,
        }
    }
}

/// Every open stream, and the signal that ends them all.
#[derive(Debug)]
pub struct Streams {
    open: Mutex<Counts>,
    max_total: usize,
    max_per_app: usize,
    stopping: watch::Sender<bool>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    /// (tenant, application) → streams open.
    per_app: HashMap<(String, String), usize>,
}

impl Default for Streams {
    fn default() -> Self {
        Self::new(
            crate::config::MAX_STREAMS as usize,
            crate::config::MAX_STREAMS_PER_APP as usize,
        )
    }
}

impl Streams {
    pub fn new(max_total: usize, max_per_app: usize) -> Self {
        Self {
            open: Mutex::default(),
            max_total,
            max_per_app,
            stopping: watch::channel(false).0,
        }
    }

    /// A slot for a new stream of `app` in `tenant`, or the refusal to send instead:
    /// `429` past the application's share, `503` past the server's cap, both with
    /// `Retry-After`. `expires_at` (Unix seconds, the token's `exp` plus leeway) is when the
    /// stream must end; `None` without a token.
    pub fn open(
        self: &Arc<Self>,
        tenant: &str,
        app: Option<&str>,
        expires_at: Option<i64>,
    ) -> Result<Slot, GraphError> {
        let key = (tenant.to_owned(), app.unwrap_or_default().to_owned());
        let mut counts = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if counts.total >= self.max_total {
            return Err(GraphError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "serviceNotAvailable",
                format!(
                    "The server has {} event streams open, its limit (--max-streams); retry \
                     after the delay in Retry-After.",
                    self.max_total
                ),
            )
            .with_header("retry-after", "10"));
        }
        let mine = counts.per_app.entry(key.clone()).or_default();
        if *mine >= self.max_per_app {
            return Err(GraphError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!(
                    "This application has {} event streams open in this tenant, its share \
                     (--max-streams-per-app); close one, or retry after the delay in \
                     Retry-After.",
                    self.max_per_app
                ),
            )
            .with_header("retry-after", "10"));
        }
        *mine += 1;
        counts.total += 1;
        Ok(Slot {
            streams: self.clone(),
            key,
            stopping: self.stopping.subscribe(),
            deadline: expires_at.map(token_deadline),
        })
    }

    /// Ends every stream, now and from now on (a graceful stop).
    pub fn stop_all(&self) {
        self.stopping.send_replace(true);
    }

    /// Streams open now.
    pub fn count(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }
}

/// One open stream's place; given back when dropped.
#[derive(Debug)]
pub struct Slot {
    streams: Arc<Streams>,
    key: (String, String),
    stopping: watch::Receiver<bool>,
    deadline: Option<tokio::time::Instant>,
}

impl Slot {
    /// Resolves when the stream must end, and why.
    pub async fn ended(&mut self) -> End {
        let deadline = self.deadline;
        let expiry = async move {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            // An error means the server's state is gone: it is stopping too.
            _ = self.stopping.wait_for(|stopping| *stopping) => End::Shutdown,
            () = expiry => End::TokenExpired,
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self
            .streams
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        counts.total = counts.total.saturating_sub(1);
        if let Some(mine) = counts.per_app.get_mut(&self.key) {
            *mine = mine.saturating_sub(1);
            if *mine == 0 {
                counts.per_app.remove(&self.key);
            }
        }
    }
}

/// When a stream opened with a token accepted until `expires_at` (Unix seconds, leeway
/// included) must end, on the runtime's clock. Token lifetimes are wall-clock time, whatever
/// the server's presence clock (`--clock manual`) says.
fn token_deadline(expires_at: i64) -> tokio::time::Instant {
    let left = expires_at.saturating_sub(jiff::Timestamp::now().as_second());
    tokio::time::Instant::now() + Duration::from_secs(u64::try_from(left).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    #[tokio::test]
    async fn shares_and_caps_are_enforced_and_given_back() {
        let streams = Arc::new(Streams::new(3, 2));
        let a1 = streams.open("t", Some("a"), None).expect("first");
        let _a2 = streams.open("t", Some("a"), None).expect("second");
        let refused = streams
            .open("t", Some("a"), None)
            .expect_err("over the share");
        assert_eq!(refused.status_code(), StatusCode::TOO_MANY_REQUESTS);
        // Another tenant's same application has a share of its own.
        let _b = streams.open("u", Some("a"), None).expect("another tenant");
        let refused = streams
            .open("v", Some("c"), None)
            .expect_err("over the cap");
        assert_eq!(refused.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        drop(a1);
        assert_eq!(streams.count(), 2);
        streams.open("t", Some("a"), None).expect("room again");
    }

    #[tokio::test]
    async fn every_slot_ends_on_stop_and_at_its_token_expiry() {
        let streams = Arc::new(Streams::default());
        let mut open = streams.open("t", None, None).expect("open");
        let past = jiff::Timestamp::now().as_second() - 1;
        let mut expired = streams.open("t", None, Some(past)).expect("open");
        assert_eq!(expired.ended().await, End::TokenExpired);
        streams.stop_all();
        assert_eq!(open.ended().await, End::Shutdown);
        // A stream opened during the stop ends at once.
        let mut late = streams.open("t", None, None).expect("open");
        assert_eq!(late.ended().await, End::Shutdown);
    }
}
