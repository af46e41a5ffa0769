//! The control plane: what an emulator offers beyond Graph, under `/admin`, kept apart from
//! the Graph surface in `routes/`: the clock, reset, server information, the journals
//! (`crate::journal`), fault rules (`crate::faults`), and what Teams clients and Outlook
//! produce (client sessions, automatic replies, calendar entries).
//!
//! Invariant: every handler here takes an [`AdminCaller`] first, so with authentication on
//! nothing under `/admin` runs (or reads a body) for a caller without the `Presence.Admin`
//! application role; with `--auth none` it is open, like everything else.
//!
//! In the API description the admin operations carry the tag `admin` and a path-level
//! server `/`: their paths are relative to the server's root, not to a Graph version.

pub mod applications;
pub mod calendar;
pub mod caller;
pub mod changes;
pub mod clients;
pub mod clock;
pub mod device_codes;
pub mod faults;
pub mod info;
pub mod journal;
pub mod out_of_office;
pub mod reset;
pub mod scope;
pub mod snapshot;
pub mod tenant_subscriptions;
pub mod tenant_users;
pub mod users;

use actix_web::web;

pub use caller::AdminCaller;

/// Every admin route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(clock::configure)
        .configure(reset::configure)
        .configure(info::configure)
        .configure(journal::configure)
        .configure(faults::configure)
        .configure(clients::configure)
        .configure(out_of_office::configure)
        .configure(calendar::configure)
        .configure(snapshot::configure)
        .configure(applications::configure)
        .configure(users::configure)
        .configure(device_codes::configure)
        .configure(tenant_users::configure)
        .configure(tenant_subscriptions::configure)
        .configure(changes::configure);
}
