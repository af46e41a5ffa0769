//! Conversions between stored columns and engine values.

use jiff::Timestamp;

/// Timestamps are stored as Unix milliseconds: compact, ordered, and index-friendly.
pub fn to_millis(timestamp: Timestamp) -> i64 {
    timestamp.as_millisecond()
}

pub fn from_millis(millis: i64) -> Result<Timestamp, sqlx::Error> {
    Timestamp::from_millisecond(millis).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Reads a vocabulary value back from its stored spelling.
pub fn parse<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, presence_model::UnknownValue>,
) -> Result<T, sqlx::Error> {
    parse(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
