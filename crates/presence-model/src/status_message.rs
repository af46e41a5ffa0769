//! The status message a user shows beside their presence.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocabulary::vocabulary;

/// The `presenceStatusMessage` complex type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceStatusMessage {
    /// The text; a message with no (or empty) content clears the status message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<ItemBody>,
    /// When the message stops showing; never when absent. Only its owner sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date_time: Option<DateTimeTimeZone>,
    /// When the message was set (RFC 3339, UTC); set by the server, only its owner sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub published_date_time: Option<String>,
}

/// The `itemBody` complex type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemBody {
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<BodyType>,
}

vocabulary! {
    /// Format of an [`ItemBody`]; presence accepts `text` only.
    #[serde(rename_all = "camelCase")]
    #[strum(serialize_all = "camelCase")]
    pub enum BodyType ("contentType") {
        Text,
        Html,
    }
}

/// The `dateTimeTimeZone` complex type: a wall-clock time and the zone it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DateTimeTimeZone {
    /// `YYYY-MM-DDTHH:MM:SS[.fffffff]`, without offset.
    #[schema(example = "2022-10-18T17:05:33.2079781")]
    pub date_time: String,
    /// A Windows (`Pacific Standard Time`) or IANA (`America/Los_Angeles`) zone name; UTC
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// Body of `setStatusMessage`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetStatusMessageRequest {
    /// The new message; absent, `null` or with empty content clears it.
    #[serde(default)]
    pub status_message: Option<PresenceStatusMessage>,
}
