//! Everything kept about one user, and the presence it shows at a given instant.

use jiff::Timestamp;
use presence_model::{PresenceStatusMessage, UserWorkLocation};

use super::Audience;
use super::aggregate::{EffectivePresence, aggregate};
use super::location::LocationLayers;
use super::preferred::Preferred;
use super::session::{AWAY_AFTER, IDLE_AFTER, Session};
use super::status_message::StatusMessage;

/// One user's stored presence state. Sessions may include expired ones the store has not
/// purged yet; every rule here looks at `now`, so they simply stop counting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserState {
    pub sessions: Vec<Session>,
    pub preferred: Option<Preferred>,
    pub status_message: Option<StatusMessage>,
    pub location: LocationLayers,
    /// When the state was last written; `None` for a user never written.
    pub changed_at: Option<Timestamp>,
}

/// What a read of the user's presence shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceView {
    pub presence: EffectivePresence,
    pub status_message: Option<PresenceStatusMessage>,
    pub work_location: UserWorkLocation,
    /// Version of this view, in milliseconds; see [`UserState::version_at`].
    pub version: i64,
}

impl UserState {
    /// The user's availability and activity at `now`. A live preference overrides every
    /// session, but only while at least one session is live: with none, the user is offline
    /// whatever they prefer (Graph reference §1.2).
    pub fn presence_at(&self, now: Timestamp) -> EffectivePresence {
        let any_live = self.sessions.iter().any(|s| s.is_live(now));
        match self.preferred {
            Some(preferred) if any_live && preferred.is_live(now) => EffectivePresence {
                availability: preferred.availability,
                activity: preferred.activity,
            },
            _ => aggregate(&self.sessions, now),
        }
    }

    /// Every instant at which what a read shows can change without a write: fades of
    /// `Available` sessions, and expiries of sessions, preference and status message.
    pub fn transitions(&self) -> impl Iterator<Item = Timestamp> + '_ {
        let sessions = self.sessions.iter().flat_map(|session| {
            let fades = (session.availability == presence_model::Availability::Available)
                .then(|| {
                    [IDLE_AFTER, AWAY_AFTER]
                        .into_iter()
                        .filter_map(|after| session.refreshed_at.checked_add(after).ok())
                        .filter(|at| *at < session.expires_at)
                })
                .into_iter()
                .flatten();
            fades.chain(std::iter::once(session.expires_at))
        });
        let preferred = self.preferred.map(|p| p.expires_at);
        let message = self.status_message.as_ref().and_then(|m| m.expires_at);
        sessions.chain(preferred).chain(message)
    }

    /// The version of the view at `now`, in milliseconds: the later of the last write and the
    /// last transition since then. It grows with every write (the store keeps `changed_at`
    /// strictly increasing) and with every change time brings, so `sequenceNumber` increases
    /// on each visible change without any background job.
    pub fn version_at(&self, now: Timestamp) -> i64 {
        let written = self.changed_at.map_or(0, |at| at.as_millisecond());
        self.transitions()
            .map(|at| at.as_millisecond())
            .filter(|&at| at > written && at <= now.as_millisecond())
            .fold(written, i64::max)
    }

    /// What a read at `now` by `audience` shows.
    pub fn view(&self, now: Timestamp, audience: Audience) -> PresenceView {
        PresenceView {
            presence: self.presence_at(now),
            status_message: self
                .status_message
                .as_ref()
                .filter(|message| message.is_live(now))
                .map(|message| message.view(audience)),
            work_location: self.location.effective(),
            version: self.version_at(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;
    use presence_model::{Activity, Availability};

    use Activity as Act;
    use Availability as Av;

    const T0: Timestamp = Timestamp::UNIX_EPOCH;

    fn at(mins: i64) -> Timestamp {
        T0 + SignedDuration::from_mins(mins)
    }

    fn session(av: Av, act: Act, refreshed: i64, expires: i64) -> Session {
        Session {
            session_id: format!("{av}"),
            availability: av,
            activity: act,
            refreshed_at: at(refreshed),
            expires_at: at(expires),
        }
    }

    fn preferred(av: Av, act: Act, expires: i64) -> Option<Preferred> {
        Some(Preferred {
            availability: av,
            activity: act,
            expires_at: at(expires),
        })
    }

    #[test]
    fn preference_overrides_sessions_only_while_one_is_live() {
        let state = UserState {
            sessions: vec![session(Av::Busy, Act::InACall, 0, 30)],
            preferred: preferred(Av::Offline, Act::OffWork, 60),
            ..UserState::default()
        };
        // Appear offline hides a busy session.
        assert_eq!(
            state.presence_at(at(1)),
            EffectivePresence {
                availability: Av::Offline,
                activity: Act::OffWork
            }
        );
        // No live session: offline, whatever is preferred.
        let preferring_busy = UserState {
            preferred: preferred(Av::Busy, Act::Busy, 60),
            ..state.clone()
        };
        assert_eq!(preferring_busy.presence_at(at(1)).activity, Act::Busy);
        assert_eq!(
            preferring_busy.presence_at(at(30)),
            EffectivePresence::OFFLINE
        );
    }

    #[test]
    fn an_expired_preference_gives_way_to_the_sessions() {
        let state = UserState {
            sessions: vec![session(Av::DoNotDisturb, Act::Presenting, 0, 60)],
            preferred: preferred(Av::Available, Act::Available, 10),
            ..UserState::default()
        };
        assert_eq!(state.presence_at(at(9)).availability, Av::Available);
        assert_eq!(state.presence_at(at(10)).availability, Av::DoNotDisturb);
    }

    #[test]
    fn version_grows_with_writes_and_with_every_transition() {
        let state = UserState {
            sessions: vec![session(Av::Available, Act::Available, 0, 60)],
            preferred: preferred(Av::Busy, Act::Busy, 90),
            changed_at: Some(at(0)),
            ..UserState::default()
        };
        let versions: Vec<i64> = [0, 4, 5, 7, 10, 59, 60, 89, 90, 200]
            .into_iter()
            .map(|m| state.version_at(at(m)))
            .collect();
        let ms = |m: i64| at(m).as_millisecond();
        assert_eq!(
            versions,
            vec![
                ms(0),
                ms(0),
                ms(5),
                ms(5),
                ms(10),
                ms(10),
                ms(60),
                ms(60),
                ms(90),
                ms(90)
            ]
        );
    }

    #[test]
    fn a_fade_after_the_session_expired_is_no_transition() {
        let state = UserState {
            sessions: vec![session(Av::Available, Act::Available, 0, 5)],
            ..UserState::default()
        };
        let transitions: Vec<Timestamp> = state.transitions().collect();
        assert_eq!(transitions, vec![at(5)]);
    }

    #[test]
    fn expired_status_messages_are_not_shown() {
        let state = UserState {
            status_message: Some(StatusMessage {
                content: "lunch".into(),
                expires_at: Some(at(30)),
                published_at: at(0),
            }),
            ..UserState::default()
        };
        assert!(state.view(at(29), Audience::Other).status_message.is_some());
        assert!(state.view(at(30), Audience::Owner).status_message.is_none());
    }
}
