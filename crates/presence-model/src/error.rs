//! The OData error envelope every Graph failure is wrapped in.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{"error": {...}}`: the body of every 4xx and 5xx response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ODataError {
    pub error: MainError,
}

/// What went wrong. Clients branch on `code`, never on `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MainError {
    /// A Graph error code such as `BadRequest`, `InvalidArgument` or `NotFound`.
    pub code: String,
    /// A sentence for the developer: which field, which value, what is allowed.
    pub message: String,
    /// The request property the error is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Where the request was handled.
    pub inner_error: InnerError,
}

/// Correlation data, with Graph's hyphenated key names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InnerError {
    /// UTC time of the failure, `YYYY-MM-DDTHH:MM:SS` without offset, as Graph writes it.
    pub date: String,
    /// The id the server gave this request (also in the `request-id` response header).
    #[serde(rename = "request-id")]
    pub request_id: String,
    /// The caller's `client-request-id` header, or the request id when none was sent.
    #[serde(rename = "client-request-id")]
    pub client_request_id: String,
}
