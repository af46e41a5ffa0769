//! Property tests of the engine: rules that must hold for any sessions, any preference and any
//! instant, not only for the hand-picked cases beside each rule.

use jiff::{SignedDuration, Timestamp};
use presence_model::{Activity, Availability};
use proptest::prelude::*;

use super::aggregate::{EffectivePresence, aggregate};
use super::duration::parse_duration;
use super::pairs::SESSION_PAIRS;
use super::preferred::{PREFERRED_PAIRS, Preferred};
use super::session::Session;
use super::user_state::UserState;

const T0: Timestamp = Timestamp::UNIX_EPOCH;

fn at(millis: i64) -> Timestamp {
    T0 + SignedDuration::from_millis(millis)
}

prop_compose! {
    /// A session refreshed in the first hour and living 5 minutes to 4 hours.
    fn session()(
        pair in prop::sample::select(SESSION_PAIRS.to_vec()),
        id in 0u8..8,
        refreshed in 0i64..3_600_000,
        lifetime in 300_000i64..=14_400_000,
    ) -> Session {
        Session {
            kind: crate::session::SessionKind::Application,
            session_id: format!("app-{id}"),
            availability: pair.0,
            activity: pair.1,
            refreshed_at: at(refreshed),
            expires_at: at(refreshed + lifetime),
        }
    }
}

prop_compose! {
    fn preferred()(pair in prop::sample::select(PREFERRED_PAIRS.to_vec()), expires in 0i64..20_000_000) -> Preferred {
        Preferred { availability: pair.0, activity: pair.1, expires_at: at(expires) }
    }
}

proptest! {
    #[test]
    fn the_order_sessions_come_in_never_changes_the_result(
        mut sessions in prop::collection::vec(session(), 0..6),
        now in 0i64..20_000_000,
        seed in any::<u64>(),
    ) {
        let expected = aggregate(&sessions, at(now));
        // A deterministic shuffle driven by the seed.
        let n = sessions.len();
        for i in (1..n).rev() {
            let j = usize::try_from(seed.rotate_left(u32::try_from(i).unwrap_or(0)) % (i as u64 + 1)).unwrap_or(0);
            sessions.swap(i, j);
        }
        prop_assert_eq!(aggregate(&sessions, at(now)), expected);
    }

    #[test]
    fn presence_never_shows_an_expired_session(
        sessions in prop::collection::vec(session(), 0..6),
        preferred in prop::option::of(preferred()),
        now in 0i64..20_000_000,
    ) {
        let now = at(now);
        let state = UserState { sessions: sessions.clone(), preferred, ..UserState::default() };
        let shown = state.presence_at(now);
        let live: Vec<&Session> = sessions.iter().filter(|s| s.is_live(now)).collect();
        if live.is_empty() {
            prop_assert_eq!(shown, EffectivePresence::OFFLINE);
        } else if let Some(p) = preferred.filter(|p| p.is_live(now)) {
            prop_assert_eq!(shown, EffectivePresence { availability: p.availability, activity: p.activity });
        } else {
            // What is shown is what some live session shows now.
            let states: Vec<(Availability, Activity)> = live.iter().filter_map(|s| s.state_at(now)).collect();
            prop_assert!(states.contains(&(shown.availability, shown.activity)), "{shown:?} not in {states:?}");
        }
    }

    #[test]
    fn the_version_never_decreases_as_time_passes_or_writes_happen(
        sessions in prop::collection::vec(session(), 0..6),
        preferred in prop::option::of(preferred()),
        written in prop::option::of(0i64..3_600_000),
        mut instants in prop::collection::vec(0i64..20_000_000, 1..20),
    ) {
        let state = UserState { sessions, preferred, changed_at: written.map(at), ..UserState::default() };
        instants.sort_unstable();
        let versions: Vec<i64> = instants.iter().map(|&t| state.version_at(at(t))).collect();
        prop_assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{versions:?}");
        // A write at the last instant (the store keeps changed_at strictly increasing) is a
        // strictly later version.
        let last = *instants.last().unwrap_or(&0);
        let before = state.version_at(at(last));
        let next_write = at(last).max(at(state.changed_at.map_or(-1, |c| c.as_millisecond()) + 1));
        let after = UserState { changed_at: Some(next_write), ..state.clone() }.version_at(at(last));
        prop_assert!(after >= before);
    }

    #[test]
    fn the_duration_parser_never_panics(text in ".{0,40}") {
        let _ = parse_duration(&text);
    }

    #[test]
    fn iso_and_time_span_forms_agree(hours in 0i64..100, minutes in 0i64..60, seconds in 0i64..60) {
        let expected = SignedDuration::from_secs(hours * 3600 + minutes * 60 + seconds);
        prop_assert_eq!(parse_duration(&format!("PT{hours}H{minutes}M{seconds}S")), Ok(expected));
        prop_assert_eq!(parse_duration(&format!("{hours}:{minutes:02}:{seconds:02}")), Ok(expected));
        prop_assert_eq!(
            parse_duration(&format!("{}.{:02}:{minutes:02}:{seconds:02}", hours / 24, hours % 24)),
            Ok(expected)
        );
    }
}
