//! Everything kept about one user, and the presence it shows at a given instant.

use jiff::Timestamp;
use presence_model::{
    Activity, Availability, OutOfOfficeSettings, PresenceStatusMessage, UserWorkLocation,
};

use super::Audience;
use super::aggregate::{EffectivePresence, aggregate, rank};
use super::calendar::CalendarEntry;
use super::location::LocationLayers;
use super::out_of_office::{self, AutomaticReplies};
use super::preferred::Preferred;
use super::session::Session;
use super::status_message::StatusMessage;

/// One user's stored presence state. Sessions may include expired ones the store has not
/// purged yet; every rule here looks at `now`, so they simply stop counting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserState {
    pub sessions: Vec<Session>,
    pub preferred: Option<Preferred>,
    pub status_message: Option<StatusMessage>,
    pub location: LocationLayers,
    /// Outlook's automatic replies, when on (control plane only).
    pub automatic_replies: Option<AutomaticReplies>,
    /// Calendar entries (control plane only).
    pub calendar: Vec<CalendarEntry>,
    /// When the state was last written; `None` for a user never written.
    pub changed_at: Option<Timestamp>,
}

/// What a read of the user's presence shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceView {
    pub presence: EffectivePresence,
    pub status_message: Option<PresenceStatusMessage>,
    pub work_location: UserWorkLocation,
    pub out_of_office: OutOfOfficeSettings,
    /// Version of this view, in milliseconds; see [`UserState::version_at`].
    pub version: i64,
}

impl UserState {
    /// The user's availability and activity at `now`, by these rules in order:
    ///
    /// 1. No live session: `Offline` whatever else is set (Graph reference §1.2), though an
    ///    out-of-office user shows `Offline`/`OutOfOffice` (rule 4).
    /// 2. A live preference overrides everything else: the user's own choice.
    /// 3. Otherwise the sessions aggregate (`aggregate`); while a busy or tentative
    ///    meeting runs, anything ranked below `Busy` shows `Busy`/`InAMeeting` (a call,
    ///    presenting, Do not disturb and an explicit Busy keep showing).
    /// 4. Out of office (automatic replies on, or an `oof` entry running) marks the plain
    ///    states `OutOfOffice` in the activity ([`out_of_office::overlay`]).
    pub fn presence_at(&self, now: Timestamp) -> EffectivePresence {
        let any_live = self.sessions.iter().any(|s| s.is_live(now));
        let presence = match self.preferred {
            Some(preferred) if any_live && preferred.is_live(now) => EffectivePresence {
                availability: preferred.availability,
                activity: preferred.activity,
            },
            _ => {
                let sessions = aggregate(&self.sessions, now);
                if any_live
                    && self.in_a_meeting(now)
                    && rank(sessions.availability) < rank(Availability::Busy)
                {
                    EffectivePresence {
                        availability: Availability::Busy,
                        activity: Activity::InAMeeting,
                    }
                } else {
                    sessions
                }
            }
        };
        if self.out_of_office_at(now).is_out_of_office {
            out_of_office::overlay(presence)
        } else {
            presence
        }
    }

    /// Whether a busy or tentative calendar entry runs at `now`.
    fn in_a_meeting(&self, now: Timestamp) -> bool {
        self.calendar
            .iter()
            .any(|entry| entry.show_as.is_meeting() && entry.is_running(now))
    }

    /// `outOfOfficeSettings` at `now`.
    pub fn out_of_office_at(&self, now: Timestamp) -> OutOfOfficeSettings {
        out_of_office::settings_at(self.automatic_replies.as_ref(), &self.calendar, now)
    }

    /// Every instant at which what a read shows can change without a write: fades of
    /// `Available` sessions, and expiries of sessions, preference and status message.
    pub fn transitions(&self) -> impl Iterator<Item = Timestamp> + '_ {
        let sessions = self.sessions.iter().flat_map(|session| {
            session
                .fade_times()
                .chain(std::iter::once(session.expires_at))
        });
        let preferred = self.preferred.map(|p| p.expires_at);
        let message = self.status_message.as_ref().and_then(|m| m.expires_at);
        let calendar = self
            .calendar
            .iter()
            .flat_map(|entry| [entry.start, entry.end]);
        let replies = self
            .automatic_replies
            .iter()
            .flat_map(|replies| replies.start.into_iter().chain(replies.end));
        sessions
            .chain(preferred)
            .chain(message)
            .chain(calendar)
            .chain(replies)
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
            out_of_office: self.out_of_office_at(now),
            version: self.version_at(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::ShowAs;
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
            kind: crate::session::SessionKind::Application,
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

    fn meeting(show_as: ShowAs, start: i64, end: i64) -> CalendarEntry {
        CalendarEntry {
            id: format!("{start}"),
            start: at(start),
            end: at(end),
            show_as,
            subject: None,
        }
    }

    #[test]
    fn a_running_meeting_outranks_what_ranks_below_busy_and_nothing_else() {
        let with = |sessions: Vec<Session>, preferred| UserState {
            sessions,
            preferred,
            calendar: vec![meeting(ShowAs::Busy, 10, 40), meeting(ShowAs::Free, 0, 60)],
            ..UserState::default()
        };
        let shown = |state: &UserState, m| {
            let p = state.presence_at(at(m));
            (p.availability, p.activity)
        };
        let available = with(vec![session(Av::Available, Act::Available, 9, 60)], None);
        assert_eq!(shown(&available, 9), (Av::Available, Act::Available));
        assert_eq!(shown(&available, 10), (Av::Busy, Act::InAMeeting));
        assert_eq!(
            shown(&available, 40),
            (Av::Away, Act::Away),
            "faded meanwhile"
        );
        let call = with(vec![session(Av::Busy, Act::InACall, 0, 60)], None);
        assert_eq!(shown(&call, 20), (Av::Busy, Act::InACall));
        let presenting = with(
            vec![session(Av::DoNotDisturb, Act::Presenting, 0, 60)],
            None,
        );
        assert_eq!(shown(&presenting, 20), (Av::DoNotDisturb, Act::Presenting));
        let chosen = with(
            vec![session(Av::Away, Act::Away, 0, 60)],
            preferred(Av::Available, Act::Available, 60),
        );
        assert_eq!(shown(&chosen, 20), (Av::Available, Act::Available));
        let signed_out = with(Vec::new(), None);
        assert_eq!(shown(&signed_out, 20), (Av::Offline, Act::Offline));
        assert!(available.version_at(at(10)) > available.version_at(at(9)));
    }

    #[test]
    fn out_of_office_marks_plain_states_and_keeps_a_meeting() {
        let replies = Some(AutomaticReplies {
            message: Some("on leave".into()),
            start: None,
            end: Some(at(100)),
        });
        let offline = UserState {
            automatic_replies: replies.clone(),
            ..UserState::default()
        };
        let view = offline.view(at(1), Audience::Other);
        assert_eq!(
            (view.presence.availability, view.presence.activity),
            (Av::Offline, Act::OutOfOffice)
        );
        assert_eq!(view.out_of_office.message.as_deref(), Some("on leave"));
        let in_meeting = UserState {
            sessions: vec![session(Av::Available, Act::Available, 0, 60)],
            calendar: vec![meeting(ShowAs::Tentative, 0, 30)],
            automatic_replies: replies,
            ..UserState::default()
        };
        let p = in_meeting.presence_at(at(1));
        assert_eq!((p.availability, p.activity), (Av::Busy, Act::InAMeeting));
        let p = in_meeting.presence_at(at(30));
        assert_eq!((p.availability, p.activity), (Av::Away, Act::OutOfOffice));
        assert!(
            !in_meeting
                .view(at(100), Audience::Other)
                .out_of_office
                .is_out_of_office
        );
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
