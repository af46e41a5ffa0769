//! Timestamps are stored as Unix milliseconds: compact, ordered, and index-friendly.

use jiff::Timestamp;

pub fn to_millis(timestamp: Timestamp) -> i64 {
    timestamp.as_millisecond()
}

pub fn from_millis(millis: i64) -> Result<Timestamp, sqlx::Error> {
    Timestamp::from_millisecond(millis).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
