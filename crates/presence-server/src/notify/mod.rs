//! Presence change notifications: Graph's webhooks, delivered at least once, in order.
//!
//! - Changes made by writes are detected by the writer itself, in the transaction of the
//!   write (`store::subscriptions::announce`): the outbox row and the change commit together.
//! - Changes made by time alone (a fade, an expiry) are found by [`scanner`], which compares
//!   each followed user's presence with what was last announced and asks the writer to
//!   announce the difference (the same code path, so nothing is announced twice).
//! - [`dispatcher`] POSTs the outbox to the receivers: the oldest pending notification of each
//!   subscription at a time (order), retried with exponential backoff for up to four hours
//!   (at least once), each subscription independently (a slow receiver delays nobody else).
//! - [`handshake`] validates a notification URL before a subscription is created.
//!
//! Because the outbox is in the database, pending notifications survive a restart.

pub mod dispatcher;
pub mod encryption;
pub mod handshake;
pub mod payload;
pub mod scanner;

use std::time::Duration;

use crate::clock::SharedClock;
use crate::store::Store;

/// Starts the scanner and the dispatcher; returns their tasks (abort them on shutdown).
pub fn spawn(
    store: Store,
    clock: SharedClock,
    http: reqwest::Client,
    scan_every: Duration,
) -> Vec<tokio::task::JoinHandle<()>> {
    vec![
        tokio::spawn(scanner::run(store.clone(), clock.clone(), scan_every)),
        tokio::spawn(dispatcher::run(store, http)),
    ]
}
