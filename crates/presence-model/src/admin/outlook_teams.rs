//! What Teams clients and Outlook produce, which Graph's API cannot set: client sessions,
//! automatic replies (out of office), calendar entries.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Activity, Availability};

/// Body of `PUT /admin/tenants/{tid}/users/{id}/clients/{clientId}`: a Teams client's
/// session, with any pair Graph can report (`Busy`/`InAMeeting`, `DoNotDisturb`/`Focusing`,
/// `DoNotDisturb`/`UrgentInterruptionsOnly`, `Offline`/`OffWork`, …). It aggregates with the
/// applications' sessions by the usual rules, never fades, and lasts until removed unless
/// given a lifetime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientSession {
    pub availability: Availability,
    pub activity: Activity,
    /// ISO 8601 lifetime (`PT1H`), at least 1 minute; none: until removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "PT1H")]
    pub expiration_duration: Option<String>,
}

/// Body of `PUT /admin/tenants/{tid}/users/{id}/outOfOffice`: Outlook's automatic replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutomaticRepliesSetting {
    /// On or off (off forgets message and window).
    pub is_out_of_office: bool,
    /// The automatic reply, shown as `outOfOfficeSettings.message` (at most 4000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub message: Option<String>,
    /// From this time (RFC 3339; none: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub start: Option<String>,
    /// Until this time (RFC 3339; none: until turned off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub end: Option<String>,
}

/// A calendar entry (`/admin/tenants/{tid}/users/{id}/calendar`). While a `busy` or
/// `tentative` entry runs, a signed-in user below Busy shows `Busy`/`InAMeeting`; while an
/// `oof` entry runs, the user is out of office; `free` changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CalendarEvent {
    /// Set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub id: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub start: String,
    /// RFC 3339, after `start`.
    #[schema(format = DateTime)]
    pub end: String,
    /// `busy`, `tentative`, `oof` or `free`.
    #[schema(pattern = "^(busy|tentative|oof|free)$", example = "busy")]
    pub show_as: String,
    /// At most 255 characters, no control characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 255)]
    pub subject: Option<String>,
}

/// A user's calendar entries, by start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CalendarEventCollection {
    pub value: Vec<CalendarEvent>,
}
