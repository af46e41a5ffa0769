//! Schema-only types: what the spec states a request accepts where that is narrower than
//! what a response may carry. Requests still deserialise into the shared vocabularies (whose
//! errors name the allowed values); these exist so generated clients and schema-driven tools
//! are not offered values the server refuses.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The work location types `setManualLocation` and `setAutomaticLocation` accept
/// (`unknownFutureValue` is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SettableWorkLocationType {
    Unspecified,
    Office,
    Remote,
    TimeOff,
}

/// The content types a presence status message takes: `text` only (`html` is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum TextBodyType {
    Text,
}
