//! The manual clock (`--clock manual`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /admin/clock/advance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockAdvance {
    /// How far to move forward: ISO 8601 (`PT6M`) or `H:MM:SS`; never negative.
    #[schema(example = "PT6M")]
    pub by: String,
}

/// The server clock's time after a clock call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockReading {
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub now: String,
}
