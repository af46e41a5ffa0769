//! Closed sets of string values (availability, activity, location types, body types).
//!
//! Each is an enum with its canonical wire spelling; input is matched ignoring ASCII case,
//! and a value outside the set fails with a message naming the property and what is allowed.

use std::fmt;

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

/// Defines a vocabulary enum: its derives (serde, utoipa, strum parsing ignoring ASCII case),
/// and `as_str`, `all`, `parse`, `Display` and a `Deserialize` whose error names `$property`
/// and the allowed values. Attributes given (docs, serde/strum renames) are kept.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident ($property:literal) { $($variant:ident),* $(,)? }
    ) => {
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            ::serde::Serialize,
            ::utoipa::ToSchema,
            ::strum::EnumString,
            ::strum::IntoStaticStr,
            ::strum::VariantNames,
            ::strum::VariantArray,
        )]
        #[strum(ascii_case_insensitive)]
        $(#[$meta])*
        pub enum $ty {
            $($variant),*
        }

        impl $ty {
            /// The canonical wire spelling.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// Every value, in declaration order.
            pub fn all() -> &'static [Self] {
                <Self as ::strum::VariantArray>::VARIANTS
            }

            /// Parses a value ignoring ASCII case, with an error that names the allowed values.
            pub fn parse(value: &str) -> Result<Self, $crate::UnknownValue> {
                <Self as ::std::str::FromStr>::from_str(value).map_err(|_| $crate::UnknownValue {
                    property: $property,
                    value: value.to_owned(),
                    allowed: <Self as ::strum::VariantNames>::VARIANTS,
                })
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&value).map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use vocabulary;
