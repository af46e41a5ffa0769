//! Bodies of the presence actions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Activity, Availability};

/// Body of `setPresence`: create or refresh the calling application's session for a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetPresenceRequest {
    /// The calling application's id; one session per application and user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    pub availability: Availability,
    pub activity: Activity,
    /// How long the session lives without a refresh: ISO-8601 (`PT1H`) or `H:MM:SS`,
    /// between 5 minutes and 4 hours; 5 minutes when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "PT1H")]
    pub expiration_duration: Option<String>,
}

/// Body of `clearPresence`: remove the calling application's session for a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClearPresenceRequest {
    /// The application id the session was set with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

/// Body of `setUserPreferredPresence`: the state the user chose, which overrides sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetUserPreferredPresenceRequest {
    pub availability: Availability,
    pub activity: Activity,
    /// How long the preference holds: default 1 day for Busy and DoNotDisturb, 7 days
    /// otherwise; between 5 minutes and 7 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "PT8H")]
    pub expiration_duration: Option<String>,
}

/// Body of `getPresencesByUserId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetPresencesByUserIdRequest {
    /// User ids, at most 650; the answer keeps their order (each id once).
    pub ids: Vec<String>,
}
