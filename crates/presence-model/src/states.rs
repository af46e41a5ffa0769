//! The `availability` and `activity` vocabularies.
//!
//! Graph types both properties as plain strings; its examples and every field report use the
//! PascalCase values of the long-standing list (see DESIGN.md §2), so that is what we emit.
//! Input is matched ignoring ASCII case because the current Graph docs write the same values
//! in camelCase and clients copy whichever they read.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray, VariantNames};
use utoipa::ToSchema;

/// Base presence state of a user or of one session.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    ToSchema,
    EnumString,
    IntoStaticStr,
    VariantNames,
    VariantArray,
)]
#[strum(ascii_case_insensitive)]
pub enum Availability {
    Available,
    AvailableIdle,
    Away,
    BeRightBack,
    Busy,
    BusyIdle,
    DoNotDisturb,
    Offline,
    PresenceUnknown,
}

/// Supplemental information to [`Availability`].
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    ToSchema,
    EnumString,
    IntoStaticStr,
    VariantNames,
    VariantArray,
)]
#[strum(ascii_case_insensitive)]
pub enum Activity {
    Available,
    Away,
    BeRightBack,
    Busy,
    DoNotDisturb,
    Focusing,
    InACall,
    InAConferenceCall,
    Inactive,
    InAMeeting,
    Offline,
    OffWork,
    OutOfOffice,
    PresenceUnknown,
    Presenting,
    UrgentInterruptionsOnly,
}

/// The phrase every [`UnknownValue`] message contains, so that a server can tell a value outside
/// a vocabulary from other body errors once serde has turned both into text.
pub const UNKNOWN_VALUE_MARKER: &str = "is not a valid";

/// A string that is not one of a vocabulary's values; its `Display` is the message a client sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The property the value was given for, e.g. `availability`.
    pub property: &'static str,
    /// The value as received.
    pub value: String,
    /// Every accepted value, in their canonical spelling.
    pub allowed: &'static [&'static str],
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' {UNKNOWN_VALUE_MARKER} {}; allowed values are {}",
            self.value,
            self.property,
            self.allowed.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

macro_rules! vocabulary {
    ($ty:ident, $property:literal) => {
        impl $ty {
            /// The canonical (PascalCase) wire spelling.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// Every value, in declaration order.
            pub fn all() -> &'static [Self] {
                <Self as VariantArray>::VARIANTS
            }

            /// Parses a value ignoring ASCII case, with an error that names the allowed values.
            pub fn parse(value: &str) -> Result<Self, UnknownValue> {
                <Self as FromStr>::from_str(value).map_err(|_| UnknownValue {
                    property: $property,
                    value: value.to_owned(),
                    allowed: <Self as VariantNames>::VARIANTS,
                })
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::parse(&value).map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary!(Availability, "availability");
vocabulary!(Activity, "activity");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_ascii_case_and_prints_pascal_case() {
        for input in ["DoNotDisturb", "doNotDisturb", "DONOTDISTURB"] {
            let parsed = Availability::parse(input).expect("valid availability");
            assert_eq!(parsed, Availability::DoNotDisturb);
            assert_eq!(parsed.to_string(), "DoNotDisturb");
        }
        assert_eq!(Activity::parse("inacall"), Ok(Activity::InACall));
    }

    #[test]
    fn unknown_value_names_property_and_allowed_values() {
        let err = Availability::parse("Sleepy").expect_err("not a value");
        let text = err.to_string();
        assert!(
            text.contains("'Sleepy' is not a valid availability"),
            "{text}"
        );
        assert!(text.contains("DoNotDisturb"), "{text}");
    }

    #[test]
    fn json_round_trip_uses_pascal_case() {
        let value: Activity = serde_json::from_str("\"offwork\"").expect("valid activity");
        assert_eq!(
            serde_json::to_string(&value).expect("serialises"),
            "\"OffWork\""
        );
        let err = serde_json::from_str::<Activity>("\"Napping\"").expect_err("invalid");
        assert!(
            err.to_string()
                .contains("'Napping' is not a valid activity")
        );
    }
}
