//! A tenant's users as the control plane shows them (`GET /admin/tenants/{tid}/users`,
//! `GET /admin/tenants/{tid}/users/{id}`): the presence Graph answers, and what makes it up.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Activity, Availability, Presence};

/// One user: the presence a read shows its owner, and the state behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantUser {
    pub id: String,
    pub presence: Presence,
    /// Every stored session, live or expired, by when it was last refreshed (newest first).
    pub sessions: Vec<SessionInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<PreferredInfo>,
    /// Which rule decided the presence, in words ("DoNotDisturb from session 22553876…
    /// outranks Busy from client teams-desktop").
    pub decided_by: String,
    /// The next instant at which the presence may change without a write (a fade, an
    /// expiry, a meeting's start or end); absent when nothing is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub next_change_at: Option<String>,
}

/// One presence session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub session_id: String,
    /// `application` (Graph's setPresence) or `client` (a Teams client, control plane).
    pub kind: String,
    /// The pair as set.
    pub availability: Availability,
    pub activity: Activity,
    #[schema(format = DateTime)]
    pub refreshed_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// Whether the session still counts (it expires at exactly `expiresAt`).
    pub live: bool,
    /// The pair it contributes now, after fading; absent once expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now_availability: Option<Availability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now_activity: Option<Activity>,
    /// When an unrefreshed `Available` session next fades (to `AvailableIdle` at five
    /// minutes, to `Away` at ten); absent for sessions that do not fade, or have faded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub fades_at: Option<String>,
}

/// The user's preferred presence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreferredInfo {
    pub availability: Availability,
    pub activity: Activity,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// A page of a tenant's users, by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantUserCollection {
    pub value: Vec<TenantUser>,
    /// The id to pass as `after` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
}
