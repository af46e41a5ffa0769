//! Presence change notifications: Graph's webhooks, delivered at least once, in order.
//!
//! - Changes made by writes are announced by the store: on SQLite in the transaction of the
//!   write (the outbox row and the change commit together); on PostgreSQL in a transaction
//!   right after it, under the user's row lock (so the common write stays one statement).
//! - Changes made by time alone (a fade, an expiry) are found by [`scanner`], which compares
//!   each followed user's presence with what was last announced and asks the writer to
//!   announce the difference (the same code path, so nothing is announced twice).
//! - [`dispatcher`] POSTs the outbox to the receivers: the oldest pending notification of each
//!   subscription at a time (order), retried with exponential backoff for up to four hours
//!   (at least once), each subscription independently (a slow receiver delays nobody else).
//!   It claims what it sends with a lease, so instances sharing a database never send the
//!   same notification together.
//!
//! On PostgreSQL every instance runs a scanner and a dispatcher; announcing under the user's
//! row lock and claiming with `FOR UPDATE SKIP LOCKED` make each change notified once.
//! - [`handshake`] validates a notification URL before a subscription is created;
//!   [`outbound`] is the HTTP client both use (no redirects, bounded answers, optionally
//!   public addresses only).
//!
//! Because the outbox is in the database, pending notifications survive a restart.

pub mod dispatcher;
pub mod encryption;
pub mod handshake;
pub mod outbound;
pub mod payload;
pub mod scanner;

use std::sync::Arc;
use std::time::Duration;

use crate::clock::SharedClock;
use crate::faults::Faults;
use crate::journal::Journal;
use crate::store::Store;

/// What the control plane gives the dispatcher: the delivery journal to write each attempt
/// to, and the fault rules to apply to deliveries.
#[derive(Debug, Clone)]
pub struct ControlPlane {
    pub journal: Arc<Journal>,
    pub faults: Arc<Faults>,
}

/// How deliveries are made: which addresses they may reach, and the payload's shape.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    pub targets: outbound::TargetPolicy,
    pub shape: payload::Shape,
}

/// Starts the scanner and the dispatcher; returns their tasks (abort them on shutdown).
pub fn spawn(
    store: Store,
    clock: SharedClock,
    http: reqwest::Client,
    delivery: Delivery,
    scan_every: Duration,
    control: ControlPlane,
) -> Vec<tokio::task::JoinHandle<()>> {
    vec![
        tokio::spawn(scanner::run(store.clone(), clock.clone(), scan_every)),
        tokio::spawn(dispatcher::run(store, http, delivery, control)),
    ]
}
