//! Integration tests: each starts the real `presence-server` binary on a free loopback port
//! with a temporary database (SQLite, or PostgreSQL in the second pass of `cargo xtask
//! test`), and drives it through the generated client or raw HTTP.
//!
//! One test binary with modules, not one per file: each binary links the whole stack, which
//! is the slow part of a build on two cores.

mod admin;
mod artifacts;
mod auth;
mod authority;
mod batch;
mod browser_app;
mod connections;
mod cors;
mod dashboard;
mod dev_identities;
mod durability;
mod errors;
mod events;
mod fuzz;
mod hardening;
mod identity_compat;
mod instances;
mod js_sdk_compat;
mod json_batch;
mod lifecycle;
mod linearizability;
mod location;
mod metrics;
mod node;
mod notifications;
mod odata;
mod postgres_down;
mod preferred;
mod python;
mod read_your_writes;
mod restart;
mod routing;
mod schemathesis;
mod sdk_compat;
mod sessions;
mod start_up;
mod status_message;
mod stopping;
mod storage_faults;
mod testing_examples;
mod time;
mod tls;
