//! How long a session lives: the `expirationDuration` rules of `setPresence`.

use jiff::SignedDuration;

use super::duration::parse_duration;

/// Shortest session lifetime, and the default when none is given.
pub const MIN_SESSION: SignedDuration = SignedDuration::from_mins(5);
/// Longest session lifetime.
pub const MAX_SESSION: SignedDuration = SignedDuration::from_hours(4);

/// Graph's own message for a lifetime outside the range.
pub const OUT_OF_RANGE: &str = "The provided [ExpirationDuration] is out of range.";

/// The lifetime of a session given the request's `expirationDuration`: PT5M when absent,
/// otherwise a parsable duration within PT5M..=PT4H (both ends included).
pub fn session_expiration(requested: Option<&str>) -> Result<SignedDuration, String> {
    let Some(text) = requested else {
        return Ok(MIN_SESSION);
    };
    let duration = parse_duration(text).map_err(|e| e.to_string())?;
    if (MIN_SESSION..=MAX_SESSION).contains(&duration) {
        Ok(duration)
    } else {
        Err(format!(
            "{OUT_OF_RANGE} '{text}' must be between PT5M and PT4H."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_and_boundaries() {
        let table: [(Option<&str>, Option<SignedDuration>); 8] = [
            (None, Some(MIN_SESSION)),
            (Some("PT5M"), Some(MIN_SESSION)),
            (Some("PT4H"), Some(MAX_SESSION)),
            (Some("PT1H"), Some(SignedDuration::from_hours(1))),
            (Some("PT4M59S"), None),
            (Some("PT4H0.001S"), None),
            (Some("P1D"), None),
            (Some("-PT1H"), None),
        ];
        for (input, expected) in table {
            assert_eq!(session_expiration(input).ok(), expected, "{input:?}");
        }
    }

    #[test]
    fn out_of_range_uses_graph_wording() {
        let message = session_expiration(Some("PT4M")).expect_err("too short");
        assert!(message.starts_with(OUT_OF_RANGE), "{message}");
    }
}
