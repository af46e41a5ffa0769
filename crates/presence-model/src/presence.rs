//! The `presence` resource as `GET .../presence` returns it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Activity, Availability, PresenceStatusMessage, UserWorkLocation};

/// A user's aggregated presence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    /// OData context URL of the response; present on single-entity reads.
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_context: Option<String>,
    /// The user's id (the presence key equals the user id).
    pub id: String,
    pub availability: Availability,
    pub activity: Activity,
    /// Out-of-office state: automatic replies or an out-of-office calendar event. Graph's API
    /// cannot write it; the control plane can (`/admin/tenants/{tid}/users/{id}/outOfOffice`).
    pub out_of_office_settings: OutOfOfficeSettings,
    /// Version stamp of this presence: strictly increasing per user, sortable as a string.
    pub sequence_number: String,
    /// The user's status message; `null` when none is set.
    pub status_message: Option<PresenceStatusMessage>,
    /// Where the user works from: manual beats automatic; `unspecified`/`none` when unset.
    pub work_location: UserWorkLocation,
}

/// The answer of `getPresencesByUserId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PresenceCollection {
    /// OData context URL of the response.
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_context: Option<String>,
    pub value: Vec<Presence>,
}

/// The `outOfOfficeSettings` complex type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutOfOfficeSettings {
    /// Graph writes `null` when no automatic reply is set.
    pub message: Option<String>,
    pub is_out_of_office: bool,
}
