//! presence-server: the Microsoft Graph presence API, self-hosted and persistent.
//!
//! Layers, in the order a request crosses them:
//! - [`routes`]: HTTP only (extract, call the engine and the store, map errors);
//! - [`engine`] (the `presence-engine` crate): the pure Graph presence rules (validation,
//!   fading, aggregation); no I/O;
//! - [`store`]: SQLite through sqlx; the only module with SQL.
//!
//! [`admin`] is the control plane outside Graph's surface (`/admin`, behind the
//! `Presence.Admin` role), with what it drives kept in modules of their own: [`journal`]
//! (requests and deliveries) and [`faults`] (injected errors, latency, drops). [`auth`] turns bearer tokens into callers and applies Graph's permission table,
//! [`error`] owns the Graph error envelope, [`request_id`] the correlation ids every response
//! carries, [`clock`] the one source of time, and [`openapi`] the API description that
//! `cargo xtask gen` turns into `openapi/presence.json` and the client crate.

pub mod admin;
pub mod app;
pub mod auth;
pub mod authority;
pub mod body_deadline;
pub mod clock;
pub mod config;
pub mod connections;
pub mod data_dir;
/// The Graph presence rules (the `presence-engine` crate).
pub use presence_engine as engine;
pub mod error;
pub mod faults;
pub mod history;
pub mod http;
pub mod journal;
pub mod metrics;
pub mod notify;
pub mod openapi;
pub mod operations;
pub mod overload;
pub mod public_url;
pub mod request_id;
pub mod routes;
pub mod signing;
pub mod state;
pub mod store;
pub mod streams;
pub mod surface;
pub mod throttle;
pub mod tls;
pub mod ui;

pub use app::serve;
pub use config::Config;
