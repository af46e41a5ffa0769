//! Which availability/activity pairs an application may set on its session.

use presence_model::{Activity, Availability};

/// The pairs `setPresence` accepts (Graph reference §4.3); anything else is rejected.
pub const SESSION_PAIRS: [(Availability, Activity); 5] = [
    (Availability::Available, Activity::Available),
    (Availability::Away, Activity::Away),
    (Availability::Busy, Activity::InACall),
    (Availability::Busy, Activity::InAConferenceCall),
    (Availability::DoNotDisturb, Activity::Presenting),
];

/// Accepts a supported session pair; otherwise a message naming the pair and the allowed ones.
pub fn check_session_pair(availability: Availability, activity: Activity) -> Result<(), String> {
    check_pair(&SESSION_PAIRS, "setPresence", availability, activity)
}

/// Accepts `(availability, activity)` when it is one of `pairs`, else explains what `operation`
/// accepts.
pub(super) fn check_pair(
    pairs: &[(Availability, Activity)],
    operation: &str,
    availability: Availability,
    activity: Activity,
) -> Result<(), String> {
    if pairs.contains(&(availability, activity)) {
        return Ok(());
    }
    let allowed: Vec<String> = pairs
        .iter()
        .map(|(av, act)| format!("{av}/{act}"))
        .collect();
    Err(format!(
        "The pair availability '{availability}' with activity '{activity}' is not supported by \
         {operation}; supported pairs are {}.",
        allowed.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_documented_pairs_are_accepted() {
        let accepted: Vec<_> = Availability::all()
            .iter()
            .flat_map(|&av| Activity::all().iter().map(move |&act| (av, act)))
            .filter(|&(av, act)| check_session_pair(av, act).is_ok())
            .collect();
        assert_eq!(accepted, SESSION_PAIRS.to_vec());
    }

    #[test]
    fn rejection_names_the_pair() {
        let message =
            check_session_pair(Availability::Busy, Activity::Busy).expect_err("not settable");
        assert!(message.contains("'Busy' with activity 'Busy'"), "{message}");
        assert!(message.contains("DoNotDisturb/Presenting"), "{message}");
    }
}
