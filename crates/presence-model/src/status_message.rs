//! The status message a user shows beside their presence.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocabulary::vocabulary;

/// The `presenceStatusMessage` complex type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceStatusMessage {
    /// The text; a message with no (or empty) content clears the status message.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "object_or_null"
    )]
    pub message: Option<ItemBody>,
    /// When the message stops showing; never when absent. Only its owner sees it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "object_or_null"
    )]
    pub expiry_date_time: Option<DateTimeTimeZone>,
    /// When the message was set (RFC 3339, UTC); set by the server, only its owner sees it.
    /// Ignored on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, read_only)]
    pub published_date_time: Option<String>,
}

/// The `itemBody` complex type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemBody {
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::input_schemas::TextBodyType>)]
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
    #[serde(default, deserialize_with = "object_or_null")]
    pub status_message: Option<PresenceStatusMessage>,
}

/// An optional member that must be a JSON object (or `null`): serde's derived structs also
/// accept an array (their fields in order), which the spec does not allow and a client never
/// means.
fn object_or_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    match <serde_json::Value as Deserialize>::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        value @ serde_json::Value::Object(_) => serde_json::from_value(value)
            .map(Some)
            .map_err(serde::de::Error::custom),
        other => Err(serde::de::Error::custom(format!(
            "expected a JSON object or null, found {}",
            match other {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                _ => "a boolean",
            }
        ))),
    }
}
