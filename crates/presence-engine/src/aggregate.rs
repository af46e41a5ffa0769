//! How the sessions of one user combine into the presence `GET` returns.

use jiff::Timestamp;
use presence_model::{Activity, Availability};

use super::session::Session;

/// The presence a user shows at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EffectivePresence {
    pub availability: Availability,
    pub activity: Activity,
}

impl EffectivePresence {
    /// What a user without a live session shows.
    pub const OFFLINE: Self = Self {
        availability: Availability::Offline,
        activity: Activity::Offline,
    };
}

/// Rank of an availability when sessions disagree; higher wins.
///
/// Graph documents `DoNotDisturb > Busy > Available > Away`; the states it leaves out are
/// placed next to their neighbours (COMPATIBILITY.md #5): an idle state just below its active form,
/// `BeRightBack` between idle and away. The availabilities the September 2025 table added
/// (only the control plane can set them) rank with what Teams shows for them: `Presenting`
/// and `Focusing` as do-not-disturb, `InACall` and `InAMeeting` as busy.
pub fn rank(availability: Availability) -> u8 {
    match availability {
        Availability::DoNotDisturb | Availability::Presenting | Availability::Focusing => 8,
        Availability::Busy | Availability::InACall | Availability::InAMeeting => 7,
        Availability::BusyIdle => 6,
        Availability::Available => 5,
        Availability::AvailableIdle => 4,
        Availability::BeRightBack => 3,
        Availability::Away => 2,
        Availability::Offline => 1,
        Availability::PresenceUnknown => 0,
    }
}

/// The user's presence at `now`: the highest-ranked live session after fading, `Offline`
/// when none is live. Between sessions of equal rank the most recently refreshed one wins,
/// so the result never depends on the order the store returned them in.
pub fn aggregate(sessions: &[Session], now: Timestamp) -> EffectivePresence {
    sessions
        .iter()
        .filter_map(|session| {
            let (availability, activity) = session.state_at(now)?;
            Some((
                rank(availability),
                session.refreshed_at,
                availability,
                activity,
            ))
        })
        .max_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| a.3.as_str().cmp(b.3.as_str()))
        })
        .map_or(
            EffectivePresence::OFFLINE,
            |(_, _, availability, activity)| EffectivePresence {
                availability,
                activity,
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    use Activity as Act;
    use Availability as Av;

    const T0: Timestamp = Timestamp::UNIX_EPOCH;

    fn session(id: &str, av: Av, act: Act, refreshed_min: i64, expires_min: i64) -> Session {
        Session {
            kind: crate::session::SessionKind::Application,
            session_id: id.into(),
            availability: av,
            activity: act,
            refreshed_at: T0 + SignedDuration::from_mins(refreshed_min),
            expires_at: T0 + SignedDuration::from_mins(expires_min),
        }
    }

    fn at(mins: i64) -> Timestamp {
        T0 + SignedDuration::from_mins(mins)
    }

    fn presence(av: Av, act: Act) -> EffectivePresence {
        EffectivePresence {
            availability: av,
            activity: act,
        }
    }

    #[test]
    fn no_session_is_offline() {
        assert_eq!(aggregate(&[], at(0)), EffectivePresence::OFFLINE);
    }

    #[test]
    fn expired_sessions_are_ignored_and_all_expired_is_offline() {
        let sessions = [session("a", Av::Busy, Act::InACall, 0, 5)];
        assert_eq!(
            aggregate(&sessions, at(4)),
            presence(Av::Busy, Act::InACall)
        );
        assert_eq!(aggregate(&sessions, at(5)), EffectivePresence::OFFLINE);
    }

    #[test]
    fn precedence_dnd_over_busy_over_available_over_away() {
        let dnd = session("dnd", Av::DoNotDisturb, Act::Presenting, 0, 60);
        let busy = session("busy", Av::Busy, Act::InACall, 0, 60);
        let available = session("available", Av::Available, Act::Available, 0, 60);
        let away = session("away", Av::Away, Act::Away, 0, 60);
        let table: [(&[&Session], EffectivePresence); 6] = [
            (
                &[&dnd, &busy, &available, &away],
                presence(Av::DoNotDisturb, Act::Presenting),
            ),
            (
                &[&away, &available, &busy],
                presence(Av::Busy, Act::InACall),
            ),
            (
                &[&available, &away],
                presence(Av::Available, Act::Available),
            ),
            (
                &[&away, &available],
                presence(Av::Available, Act::Available),
            ),
            (&[&away], presence(Av::Away, Act::Away)),
            (&[&busy, &dnd], presence(Av::DoNotDisturb, Act::Presenting)),
        ];
        for (sessions, expected) in table {
            let owned: Vec<Session> = sessions.iter().map(|s| (*s).clone()).collect();
            assert_eq!(aggregate(&owned, at(1)), expected, "{sessions:?}");
        }
    }

    #[test]
    fn a_faded_available_session_loses_to_a_fresh_one_and_to_nothing_else_below() {
        let stale = session("stale", Av::Available, Act::Available, 0, 60);
        let brb = session("brb", Av::BeRightBack, Act::BeRightBack, 0, 60);
        // At 6 minutes the stale session is idle, which still outranks BeRightBack.
        assert_eq!(
            aggregate(&[stale.clone(), brb.clone()], at(6)),
            presence(Av::AvailableIdle, Act::Inactive)
        );
        // At 10 minutes it reads Away, which BeRightBack outranks.
        assert_eq!(
            aggregate(&[stale, brb], at(10)),
            presence(Av::BeRightBack, Act::BeRightBack)
        );
    }

    #[test]
    fn equal_rank_goes_to_the_most_recent_refresh_whatever_the_order() {
        let call = session("call", Av::Busy, Act::InACall, 1, 60);
        let conference = session("conf", Av::Busy, Act::InAConferenceCall, 2, 60);
        let expected = presence(Av::Busy, Act::InAConferenceCall);
        assert_eq!(
            aggregate(&[call.clone(), conference.clone()], at(3)),
            expected
        );
        assert_eq!(aggregate(&[conference, call], at(3)), expected);
    }
}
