//! The presence changes the control plane records (`GET /admin/tenants/{tid}/users/{id}/changes`,
//! and the live stream `GET /admin/events`): when a user's presence changed, from what to
//! what, and why.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Activity, Availability};

/// One change of a user's presence, as a read by the user shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceChange {
    /// Position among every change this server recorded (grows by one per change).
    pub sequence: i64,
    pub tenant: String,
    pub user: String,
    /// When it changed, on the server's clock (the manual clock's time with `--clock manual`).
    #[schema(format = DateTime)]
    pub time: String,
    /// What the user showed before; absent when this server had not seen the user yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_availability: Option<Availability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_activity: Option<Activity>,
    pub availability: Availability,
    pub activity: Activity,
    /// Why: `write` (through Graph), `teamsClient`, `meeting`, `outOfOffice`, `reset`,
    /// `import`, `fade` or `expiry` (time alone).
    pub cause: String,
    /// Which rule decided the new presence, in words.
    pub decided_by: String,
}

/// A user's recorded changes, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceChangeCollection {
    pub value: Vec<PresenceChange>,
}
