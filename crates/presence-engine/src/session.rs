//! One presence session of one user (an application's, set through Graph, or a Teams
//! client's, set through the control plane), and how it looks as time passes.

use jiff::{SignedDuration, Timestamp};
use presence_model::{Activity, Availability};

/// An `Available` session not refreshed for this long reads `AvailableIdle`/`Inactive`.
pub const IDLE_AFTER: SignedDuration = SignedDuration::from_mins(5);
/// An `Available` session not refreshed for this long reads `Away`/`Away`.
pub const AWAY_AFTER: SignedDuration = SignedDuration::from_mins(10);

/// When a session that lasts until removed expires: 9999-01-01T00:00:00Z, far enough, and
/// still a whole number of milliseconds within what the store can keep.
pub const UNTIL_REMOVED: Timestamp = Timestamp::constant(253_370_764_800, 0);

/// Who reported a session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SessionKind {
    /// An application, through Graph's setPresence (`session_id` is its sessionId).
    #[default]
    Application,
    /// A Teams client, through the control plane (`session_id` is the client's id). A
    /// client reports its own idle states, so its session never fades, and any pair Graph
    /// can report is accepted.
    Client,
}

/// A session as stored: what was set, when it was last refreshed, when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub session_id: String,
    pub kind: SessionKind,
    pub availability: Availability,
    pub activity: Activity,
    pub refreshed_at: Timestamp,
    pub expires_at: Timestamp,
}

impl Session {
    /// Whether the session still counts at `now`; it expires at exactly `expires_at`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }

    /// Whether the session goes idle and away when not refreshed: an application's
    /// `Available` session does (Graph documents the timeout for it alone); a Teams client
    /// reports its own state.
    pub fn fades(&self) -> bool {
        self.kind == SessionKind::Application && self.availability == Availability::Available
    }

    /// The instants an unrefreshed session fades (to idle at five minutes, to away at ten)
    /// while it is still live; none for a session that does not fade.
    pub fn fade_times(&self) -> impl Iterator<Item = Timestamp> + '_ {
        self.fades()
            .then_some([IDLE_AFTER, AWAY_AFTER])
            .into_iter()
            .flatten()
            .filter_map(|after| self.refreshed_at.checked_add(after).ok())
            .filter(|at| *at < self.expires_at)
    }

    /// The state the session shows at `now`, after the timeout stages, or `None` once expired.
    ///
    /// Only `Available` fades (Graph documents the timeout for it alone): at exactly five
    /// minutes without a refresh it is idle, at exactly ten it is away.
    pub fn state_at(&self, now: Timestamp) -> Option<(Availability, Activity)> {
        if !self.is_live(now) {
            return None;
        }
        if !self.fades() {
            return Some((self.availability, self.activity));
        }
        let unrefreshed = now.duration_since(self.refreshed_at);
        Some(if unrefreshed >= AWAY_AFTER {
            (Availability::Away, Activity::Away)
        } else if unrefreshed >= IDLE_AFTER {
            (Availability::AvailableIdle, Activity::Inactive)
        } else {
            (self.availability, self.activity)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(availability: Availability, activity: Activity) -> Session {
        Session {
            session_id: "app".into(),
            kind: SessionKind::Application,
            availability,
            activity,
            refreshed_at: Timestamp::UNIX_EPOCH,
            expires_at: Timestamp::UNIX_EPOCH + SignedDuration::from_hours(1),
        }
    }

    fn at_mins(mins: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_mins(mins)
    }

    fn just_before(mins: i64) -> Timestamp {
        at_mins(mins) - SignedDuration::from_millis(1)
    }

    #[test]
    fn available_fades_at_exactly_five_and_ten_minutes() {
        use Activity as Act;
        use Availability as Av;
        let s = session(Av::Available, Act::Available);
        let cases = [
            (at_mins(0), Some((Av::Available, Act::Available))),
            (just_before(5), Some((Av::Available, Act::Available))),
            (at_mins(5), Some((Av::AvailableIdle, Act::Inactive))),
            (just_before(10), Some((Av::AvailableIdle, Act::Inactive))),
            (at_mins(10), Some((Av::Away, Act::Away))),
            (just_before(60), Some((Av::Away, Act::Away))),
            (at_mins(60), None),
        ];
        for (now, expected) in cases {
            assert_eq!(s.state_at(now), expected, "at {now}");
        }
    }

    #[test]
    fn a_client_session_does_not_fade() {
        let mut s = session(Availability::Available, Activity::Available);
        s.kind = SessionKind::Client;
        assert_eq!(
            s.state_at(at_mins(59)),
            Some((Availability::Available, Activity::Available))
        );
    }

    #[test]
    fn other_availabilities_do_not_fade() {
        let s = session(Availability::Busy, Activity::InACall);
        assert_eq!(
            s.state_at(at_mins(59)),
            Some((Availability::Busy, Activity::InACall))
        );
        assert_eq!(s.state_at(at_mins(60)), None);
    }
}
