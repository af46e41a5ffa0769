//! Snapshots (`GET /admin/export`, `POST /admin/import`, `--seed`, `--export-on-exit`): the
//! whole state of a server as one versioned JSON document, tenants → users → sessions,
//! preferred presence, status message, work location, out of office, calendar, and
//! subscriptions. Its JSON Schema is `openapi/snapshot.schema.json` (generated from these
//! types by `cargo xtask gen`).
//!
//! Times are absolute (RFC 3339: `expiresAt`) or, when a document is loaded, relative to the
//! moment of loading (ISO 8601 durations: `expiresIn` ahead, `refreshedAgo` behind,
//! `startsIn`/`endsIn` either way with a sign), so a seed file stays useful next week. An
//! export writes absolute times only, so export → import → export gives the same bytes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Activity, Availability, WorkLocationType};

/// The snapshot format's version; a document of another version is refused.
pub const SNAPSHOT_VERSION: u32 = 1;

/// A server's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// Always 1.
    #[schema(minimum = 1, maximum = 1)]
    pub version: u32,
    /// On import: whether subscribers are notified of the imported users' changes (default
    /// false: an import is a starting state, not news).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub notify: bool,
    #[serde(default)]
    pub tenants: Vec<SnapshotTenant>,
}

/// One tenant's users and subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotTenant {
    /// The tenant id (`tid`).
    #[schema(min_length = 1, max_length = 256)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<SnapshotUser>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscriptions: Vec<SnapshotSubscription>,
}

/// One user's state; every part is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotUser {
    #[schema(min_length = 1, max_length = 256)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<SnapshotSession>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_presence: Option<SnapshotPreferred>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<SnapshotStatusMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_location: Option<SnapshotWorkLocation>,
    /// Automatic replies; present means on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_office: Option<SnapshotOutOfOffice>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendar: Vec<SnapshotCalendarEntry>,
}

/// A session: an application's (Graph's setPresence) or a Teams client's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotSession {
    /// The sessionId (application) or client id (client).
    #[schema(min_length = 1, max_length = 256)]
    pub id: String,
    /// `application` (default) or `client`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^(application|client)$")]
    pub kind: Option<String>,
    pub availability: Availability,
    pub activity: Activity,
    /// When it was last refreshed (default: at loading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub refreshed_at: Option<String>,
    /// How long before loading it was last refreshed (`PT6M`: an Available session reads
    /// idle at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refreshed_ago: Option<String>,
    /// When it expires. An application's session needs this or `expiresIn`; a client's
    /// without either lasts until removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<String>,
}

/// The user's preferred presence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotPreferred {
    pub availability: Availability,
    pub activity: Activity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// One of `expiresAt`, `expiresIn` is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<String>,
}

/// The user's status message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotStatusMessage {
    #[schema(max_length = 4000)]
    pub message: String,
    /// When it was published (default: at loading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    /// When it stops showing (none: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<String>,
}

/// The two work-location layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotWorkLocation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<SnapshotLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic: Option<SnapshotLocation>,
}

/// One work-location layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotLocation {
    pub work_location_type: WorkLocationType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<String>,
}

/// Automatic replies that are on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotOutOfOffice {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub start: Option<String>,
    /// Signed ISO 8601 duration from loading (`-PT1H`: began an hour before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_in: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_in: Option<String>,
}

/// A calendar entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotCalendarEntry {
    /// Kept when given (default: a new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// One of `start`, `startsIn` is required; likewise `end`, `endsIn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_in: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_in: Option<String>,
    /// `busy`, `tentative`, `oof` or `free`.
    #[schema(pattern = "^(busy|tentative|oof|free)$")]
    pub show_as: String,
    /// At most 255 characters, no control characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 255)]
    pub subject: Option<String>,
}

/// A subscription, loaded without a validation handshake (it is a starting state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotSubscription {
    pub id: String,
    pub application_id: String,
    /// The signed-in user who subscribed.
    pub creator_id: String,
    pub resource: String,
    pub notification_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_notification_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_state: Option<String>,
    /// One of `expirationDateTime`, `expiresIn` is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub expiration_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<String>,
    /// The base64 certificate rich notifications are encrypted with, and its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_certificate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_certificate_id: Option<String>,
}

/// What an import loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    pub tenants: i64,
    pub users: i64,
    pub subscriptions: i64,
}
