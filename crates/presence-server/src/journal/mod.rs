//! The journals of the control plane: every API request ([`requests`]) and every delivery
//! attempt, kept in memory in bounded rings (`--journal N`, 0 to switch both off) and read
//! through `/admin/requests` and `/admin/deliveries`.
//!
//! Invariant: a journal never holds more than its capacity, and never holds a token:
//! `Authorization` is redacted before a header is kept, and bodies are kept only with
//! `--journal-bodies`, up to [`MAX_BODY`] bytes each.

mod redact;
pub mod requests;
mod ring;

use presence_model::{DeliveryAttempt, RequestRecord};

pub use ring::{Numbered, Ring};

/// The longest body (request or response) a journal entry keeps; the rest is cut.
pub const MAX_BODY: usize = 16 * 1024;

/// Both journals, shared by the request middleware, the dispatcher and the admin routes.
#[derive(Debug)]
pub struct Journal {
    pub requests: Ring<RequestRecord>,
    pub deliveries: Ring<DeliveryAttempt>,
    /// Whether request and response bodies (and headers) are kept.
    pub bodies: bool,
}

impl Journal {
    pub fn new(capacity: usize, bodies: bool) -> Self {
        Self {
            requests: Ring::new(capacity),
            deliveries: Ring::new(capacity),
            bodies,
        }
    }
}

impl Numbered for RequestRecord {
    fn set_sequence(&mut self, sequence: i64) {
        self.sequence = sequence;
    }
}

impl Numbered for DeliveryAttempt {
    fn set_sequence(&mut self, sequence: i64) {
        self.sequence = sequence;
    }
}
