//! The `availability` and `activity` vocabularies.
//!
//! Graph types both properties as plain strings; its examples and every field report use the
//! PascalCase values of the long-standing list (COMPATIBILITY.md #1), so that is what we emit.
//! Input is matched ignoring ASCII case because the current Graph docs write the same values
//! in camelCase and clients copy whichever they read.
//!
//! Since September 2025 the v1.0 property table also lists `focusing`, `inACall`,
//! `inAMeeting` and `presenting` as availabilities (`resources/presence.md`; "What's new",
//! September 2025). They are part of the vocabulary, so clients generated from our document
//! read them and the control plane can set them; Graph's actions (setPresence, preferred
//! presence) still accept only their documented pairs, and the server's own aggregation
//! keeps the long-standing placement (`Busy/InAMeeting`, `DoNotDisturb/Presenting`).

use crate::vocabulary::vocabulary;

vocabulary! {
    /// Base presence state of a user or of one session.
    pub enum Availability ("availability") {
        Available,
        AvailableIdle,
        Away,
        BeRightBack,
        Busy,
        BusyIdle,
        DoNotDisturb,
        Offline,
        PresenceUnknown,
        Focusing,
        InACall,
        InAMeeting,
        Presenting,
    }
}

vocabulary! {
    /// Supplemental information to [`Availability`].
    pub enum Activity ("activity") {
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
}

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
