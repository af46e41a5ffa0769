//! Work location: where the user works from, as set by the location actions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocabulary::vocabulary;

vocabulary! {
    /// Semantic type of a work location (Graph enum: camelCase on the wire).
    #[serde(rename_all = "camelCase")]
    #[strum(serialize_all = "camelCase")]
    pub enum WorkLocationType ("workLocationType") {
        Unspecified,
        Office,
        Remote,
        TimeOff,
        UnknownFutureValue,
    }
}

vocabulary! {
    /// Which layer the effective work location comes from.
    #[serde(rename_all = "camelCase")]
    #[strum(serialize_all = "camelCase")]
    pub enum WorkLocationSource ("source") {
        None,
        Manual,
        Scheduled,
        Automatic,
        UnknownFutureValue,
    }
}

/// The `userWorkLocation` complex type: the effective location and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserWorkLocation {
    pub work_location_type: WorkLocationType,
    pub source: WorkLocationSource,
    /// Identifier of the place, when one was given.
    pub place_id: Option<String>,
}

impl Default for UserWorkLocation {
    /// No layer set: `unspecified` from `none`.
    fn default() -> Self {
        Self {
            work_location_type: WorkLocationType::Unspecified,
            source: WorkLocationSource::None,
            place_id: None,
        }
    }
}

/// Body of `setManualLocation` and `setAutomaticLocation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetLocationRequest {
    #[schema(value_type = crate::input_schemas::SettableWorkLocationType)]
    pub work_location_type: WorkLocationType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_on_the_wire_any_case_on_input() {
        let value: WorkLocationType = serde_json::from_str("\"TIMEOFF\"").expect("valid");
        assert_eq!(value, WorkLocationType::TimeOff);
        assert_eq!(
            serde_json::to_string(&value).expect("serialises"),
            "\"timeOff\""
        );
        assert_eq!(WorkLocationSource::Automatic.as_str(), "automatic");
    }
}
