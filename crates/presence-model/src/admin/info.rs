//! `GET /admin/info`: what tooling needs to know about a running server.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The server's version, configuration and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    /// The server's version (its crate version).
    pub version: String,
    /// When this process started (RFC 3339, wall clock).
    #[schema(format = DateTime)]
    pub started_at: String,
    /// Seconds since this process started (wall clock).
    pub uptime_seconds: i64,
    /// `system` or `manual`.
    pub clock: String,
    /// The server clock's time (RFC 3339); differs from the wall clock with `--clock manual`.
    #[schema(format = DateTime)]
    pub now: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// Whether nothing is kept on disk (`--in-memory`).
    pub in_memory: bool,
    /// `jwt` or `none`.
    pub auth: String,
    /// What the database holds now.
    pub counts: ServerCounts,
}

/// What the database holds, across tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerCounts {
    /// Tenants with at least one user.
    pub tenants: i64,
    /// Users with stored state.
    pub users: i64,
    /// Sessions stored (live, or expired and not purged yet).
    pub sessions: i64,
    /// Subscriptions not yet expired.
    pub subscriptions: i64,
    /// Notifications waiting for delivery.
    pub pending_notifications: i64,
}
