//! The user's preferred presence: a state the user chose, which beats every session.

use jiff::{SignedDuration, Timestamp};
use presence_model::{Activity, Availability};

use super::duration::parse_duration;
use super::expiration::OUT_OF_RANGE;

/// The pairs `setUserPreferredPresence` accepts (Graph reference §6).
pub const PREFERRED_PAIRS: [(Availability, Activity); 6] = [
    (Availability::Available, Activity::Available),
    (Availability::Away, Activity::Away),
    (Availability::BeRightBack, Activity::BeRightBack),
    (Availability::Busy, Activity::Busy),
    (Availability::DoNotDisturb, Activity::DoNotDisturb),
    (Availability::Offline, Activity::OffWork),
];

/// Shortest accepted preference lifetime.
pub const MIN_PREFERRED: SignedDuration = SignedDuration::from_mins(5);
/// Longest accepted preference lifetime (COMPATIBILITY.md #2; Graph documents no bound).
pub const MAX_PREFERRED: SignedDuration = SignedDuration::from_hours(7 * 24);

/// A preference as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferred {
    pub availability: Availability,
    pub activity: Activity,
    pub expires_at: Timestamp,
}

impl Preferred {
    pub fn is_live(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }
}

/// Accepts a supported preferred pair; otherwise a message naming the pair and the allowed ones.
pub fn check_preferred_pair(availability: Availability, activity: Activity) -> Result<(), String> {
    super::pairs::check_pair(
        &PREFERRED_PAIRS,
        "setUserPreferredPresence",
        availability,
        activity,
    )
}

/// The lifetime of a preference: Graph's defaults (1 day for Busy and DoNotDisturb, 7 days
/// for the rest) when absent, otherwise a duration within PT5M..=P7D.
pub fn preferred_expiration(
    availability: Availability,
    requested: Option<&str>,
) -> Result<SignedDuration, String> {
    let Some(text) = requested else {
        return Ok(match availability {
            Availability::Busy | Availability::DoNotDisturb => SignedDuration::from_hours(24),
            _ => MAX_PREFERRED,
        });
    };
    let duration = parse_duration(text).map_err(|e| e.to_string())?;
    if (MIN_PREFERRED..=MAX_PREFERRED).contains(&duration) {
        Ok(duration)
    } else {
        Err(format!(
            "{OUT_OF_RANGE} '{text}' must be between PT5M and P7D."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_documented_pairs_are_accepted() {
        let accepted: Vec<_> = Availability::all()
            .iter()
            .flat_map(|&av| Activity::all().iter().map(move |&act| (av, act)))
            .filter(|&(av, act)| check_preferred_pair(av, act).is_ok())
            .collect();
        assert_eq!(accepted, PREFERRED_PAIRS.to_vec());
    }

    #[test]
    fn defaults_depend_on_availability_and_bounds_are_inclusive() {
        let day = SignedDuration::from_hours(24);
        let table: [(Availability, Option<&str>, Option<SignedDuration>); 9] = [
            (Availability::Busy, None, Some(day)),
            (Availability::DoNotDisturb, None, Some(day)),
            (Availability::Available, None, Some(7 * day)),
            (Availability::Offline, None, Some(7 * day)),
            (
                Availability::Away,
                Some("PT8H"),
                Some(SignedDuration::from_hours(8)),
            ),
            (Availability::Away, Some("PT5M"), Some(MIN_PREFERRED)),
            (Availability::Away, Some("P7D"), Some(MAX_PREFERRED)),
            (Availability::Away, Some("PT4M"), None),
            (Availability::Away, Some("P7DT1S"), None),
        ];
        for (availability, requested, expected) in table {
            assert_eq!(
                preferred_expiration(availability, requested).ok(),
                expected,
                "{availability} {requested:?}"
            );
        }
    }
}
