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
//! - [`lifecycle`] tells a subscription's `lifecycleNotificationUrl` what concerns the
//!   subscription itself: `reauthorizationRequired` ahead of its expiry or its token's,
//!   `subscriptionRemoved` when a reset deletes it, `missed` when a notification is dropped.
//! - [`handshake`] validates a notification URL before a subscription is created;
//!   [`outbound`] is the HTTP client both use (no redirects, bounded answers, optionally
//!   public addresses only).
//!
//! Because the outbox is in the database, pending notifications survive a restart.

pub mod dispatcher;
pub mod encryption;
pub mod handshake;
pub mod lifecycle;
pub mod outbound;
pub mod payload;
pub mod scanner;
pub mod slow_endpoints;

use std::sync::Arc;
use std::time::Duration;

use crate::clock::SharedClock;
use crate::faults::Faults;
use crate::journal::Journal;
use crate::signing::Signer;
use crate::store::Store;

/// What the control plane gives the dispatcher: the delivery journal to write each attempt
/// to, and the fault rules to apply to deliveries.
#[derive(Debug, Clone)]
pub struct ControlPlane {
    pub journal: Arc<Journal>,
    pub faults: Arc<Faults>,
}

/// How deliveries are made: which addresses they may reach, the payload's shape, and how
/// long a notification is retried before it is dropped.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    pub targets: outbound::TargetPolicy,
    pub shape: payload::Shape,
    pub give_up_after: jiff::SignedDuration,
}

/// What sending a notification needs besides the store: shared by change notifications
/// (the dispatcher) and lifecycle notifications.
#[derive(Debug, Clone)]
pub struct Sender {
    pub http: reqwest::Client,
    pub delivery: Delivery,
    pub control: ControlPlane,
    /// Signs the validation tokens of rich notifications.
    pub signer: Arc<Signer>,
    /// How each endpoint has been answering (Graph's throttling of slow endpoints).
    pub endpoints: Arc<slow_endpoints::SlowEndpoints>,
}

/// Starts the scanner, the dispatcher and the reauthorization watch; returns their tasks
/// (abort them on shutdown).
pub fn spawn(
    store: Store,
    clock: SharedClock,
    sender: Sender,
    scan_every: Duration,
    reauthorization_lead: Duration,
) -> Vec<tokio::task::JoinHandle<()>> {
    vec![
        tokio::spawn(scanner::run(store.clone(), clock.clone(), scan_every)),
        tokio::spawn(dispatcher::run(store.clone(), sender.clone())),
        tokio::spawn(lifecycle::watch(
            store,
            clock,
            sender,
            scan_every,
            reauthorization_lead,
        )),
    ]
}
