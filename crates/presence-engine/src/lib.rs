//! The Graph presence rules, as pure functions of their inputs and the current time.
//!
//! Invariant (kept by this crate's dependencies: the model, jiff, a zone-name table): nothing
//! here does I/O or reads a clock. Handlers pass `now` in, the store hands
//! over what it keeps, and these functions decide. That is what makes every rule testable at
//! its exact boundary (see the tests beside each rule).
//!
//! - [`session`]: one application's session and its timeout fades;
//! - [`aggregate`]: how sessions combine (precedence);
//! - [`preferred`]: the user's own choice, which beats sessions;
//! - [`status_message`], [`location`]: the other parts of a presence;
//! - [`calendar`], [`out_of_office`]: what Outlook contributes (meetings, automatic replies);
//! - [`user_state`]: all of a user's state, and the view a read returns;
//! - [`pairs`], [`expiration`], [`duration`]: validation of what clients send.

pub mod aggregate;
pub mod calendar;
pub mod duration;
pub mod expiration;
pub mod explain;
pub mod graph_time;
pub mod location;
pub mod out_of_office;
pub mod pairs;
pub mod preferred;
#[cfg(test)]
mod properties;
pub mod session;
pub mod status_message;
pub mod subscription;
pub mod user_state;

pub use aggregate::{EffectivePresence, aggregate};
pub use expiration::session_expiration;
pub use pairs::check_session_pair;
pub use session::{Session, SessionKind};
pub use user_state::{PresenceView, UserState};

/// Who is reading a presence: parts of it (status message times) are for its owner only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The user themself, or an application acting for the tenant.
    Owner,
    /// Another user.
    Other,
}
