//! The Graph presence rules, as pure functions of their inputs and the current time.
//!
//! Invariant: nothing here does I/O or reads a clock. Handlers pass `now` in, the store hands
//! over what it keeps, and these functions decide. That is what makes every rule testable at
//! its exact boundary (see the tests beside each rule).

pub mod aggregate;
pub mod duration;
pub mod expiration;
pub mod pairs;
pub mod session;

pub use aggregate::{EffectivePresence, aggregate};
pub use expiration::session_expiration;
pub use pairs::check_session_pair;
pub use session::Session;
