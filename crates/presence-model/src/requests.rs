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
    #[schema(max_length = 256, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
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
    #[schema(max_length = 256, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
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
    /// User ids, 1 to 650; the answer keeps their order (each id once).
    #[schema(value_type = Vec<UserId>, min_items = 1, max_items = 650)]
    pub ids: Vec<String>,
}

/// The pattern of a user id the server accepts: at least one character that is not white
/// space, no control characters (length 1 to 256 characters is stated beside it).
pub const USER_ID_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$";

/// A user id as the server accepts it (schema only: ids travel as plain strings).
pub struct UserId;

impl utoipa::PartialSchema for UserId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A user id: 1 to 256 characters, not only white space, no control characters.",
            ))
            .min_length(Some(1))
            .max_length(Some(256))
            .pattern(Some(USER_ID_PATTERN))
            .into()
    }
}

impl ToSchema for UserId {
    fn name() -> std::borrow::Cow<'static, str> {
        "UserId".into()
    }
}
