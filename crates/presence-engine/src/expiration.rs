//! How long a session lives: the `expirationDuration` rules of `setPresence`, and those of a
//! Teams client's session (control plane), side by side.

use jiff::{SignedDuration, Timestamp};

use super::duration::parse_duration;
use super::session::UNTIL_REMOVED;

/// Shortest lifetime a Teams client's session may be given.
pub const MIN_CLIENT_SESSION: SignedDuration = SignedDuration::from_mins(1);

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

/// When a Teams client's session expires, given its `expirationDuration`: never (until
/// removed) when absent, otherwise a parsable duration of at least PT1M from `now`, capped
/// at "until removed". A client reports its own idle states, so it is not held to Graph's
/// PT5M..=PT4H.
pub fn client_expiration(requested: Option<&str>, now: Timestamp) -> Result<Timestamp, String> {
    let Some(text) = requested else {
        return Ok(UNTIL_REMOVED);
    };
    let lifetime = parse_duration(text)
        .ok()
        .filter(|lifetime| *lifetime >= MIN_CLIENT_SESSION)
        .ok_or_else(|| {
            "'expirationDuration' is an ISO 8601 duration of at least PT1M.".to_owned()
        })?;
    Ok(now
        .checked_add(lifetime)
        .unwrap_or(UNTIL_REMOVED)
        .min(UNTIL_REMOVED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_teams_clients_session_lasts_until_removed_or_at_least_a_minute() {
        let now = Timestamp::UNIX_EPOCH;
        assert_eq!(client_expiration(None, now), Ok(UNTIL_REMOVED));
        assert_eq!(
            client_expiration(Some("PT1M"), now),
            Ok(now + SignedDuration::from_mins(1))
        );
        assert_eq!(
            client_expiration(Some("P1D"), now),
            Ok(now + SignedDuration::from_hours(24)),
            "not held to Graph's PT4H"
        );
        assert!(client_expiration(Some("PT59S"), now).is_err());
        assert!(client_expiration(Some("soon"), now).is_err());
    }

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
