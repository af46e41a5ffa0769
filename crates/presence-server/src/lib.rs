//! presence-server: the Microsoft Graph presence API, self-hosted and persistent.
//!
//! The modules form layers (drawn, with each invariant, in ARCHITECTURE.md; a tidy test
//! fails on any import circle among them), from the top:
//! - wiring: [`app`] (middleware, routes, background tasks, signals) and [`openapi`] (the
//!   API description `cargo xtask gen` turns into `openapi/presence.json` and the client);
//! - surfaces: [`routes`] (Graph's API, health, `/metrics`, `/docs`), [`admin`] (the
//!   control plane, behind the `Presence.Admin` role), [`authority`] (the Entra-shaped
//!   issuer of tokens), [`ui`] (the dashboard), the in-flight limit [`overload`] and
//!   [`cors`] (which browser origins may call Graph and the authority);
//! - state: [`state`], built once from [`config`] before the server listens;
//! - services: [`notify`] (change notifications), [`journal`] and [`faults`] (what the control
//!   plane records and injects), [`history`] (the change history), [`auth`] (tokens to
//!   callers, Graph's permission table), [`signing`] (the server's key), [`streams`],
//!   [`throttle`];
//! - plumbing: [`http`] (bodies, strict JSON, fallbacks) and [`error`] (the Graph envelope);
//! - storage: [`store`] (SQLite or PostgreSQL through sqlx: the only module with SQL, whose
//!   errors stay inside it) and the [`metrics`] registry;
//! - leaves: [`surface`] (which path is whose), [`operations`] (which operation a request
//!   is), [`public_url`], [`clock`] (the server's presence clock), [`tls`], [`request_id`],
//!   [`body_deadline`], [`connections`], [`data_dir`].
//!
//! The Graph presence rules themselves are the `presence-engine` crate, re-exported as
//! [`engine`]: pure functions of state and time, no I/O.

pub mod admin;
pub mod app;
pub mod auth;
pub mod authority;
pub mod body_deadline;
pub mod clock;
pub mod config;
pub mod connections;
pub mod cors;
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
