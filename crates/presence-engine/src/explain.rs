//! Why a user shows what it shows: the rule of [`UserState::presence_at`] that decided, in
//! words a person debugging an app reads ("DoNotDisturb from session 22553876… outranks Busy
//! from teams-desktop"), and what time alone changed between two instants (a fade, an
//! expiry, a meeting, automatic replies). The dashboard and the change history use both;
//! nothing here changes what a read returns.

use jiff::Timestamp;
use presence_model::Availability;

use super::aggregate::rank;
use super::session::{Session, SessionKind};
use super::user_state::UserState;

/// What time alone changed, in the order a person would name it when several coincide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeCause {
    /// A session, the preferred presence or the status message reached its expiry.
    Expiry,
    /// A calendar entry started or ended.
    Meeting,
    /// Automatic replies started or ended.
    OutOfOffice,
    /// An unrefreshed `Available` session went idle or away.
    Fade,
}

impl TimeCause {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeCause::Expiry => "expiry",
            TimeCause::Meeting => "meeting",
            TimeCause::OutOfOffice => "outOfOffice",
            TimeCause::Fade => "fade",
        }
    }
}

/// How a session is named to a person: long ids (application ids, 36 characters) are
/// shortened to their first eight.
pub fn session_label(session: &Session) -> String {
    let id = &session.session_id;
    let short = if id.chars().count() > 20 {
        format!("{}…", id.chars().take(8).collect::<String>())
    } else {
        id.clone()
    };
    match session.kind {
        SessionKind::Application => format!("session {short}"),
        SessionKind::Client => format!("client {short}"),
    }
}

impl UserState {
    /// The rule that decided the presence at `now`, as one sentence.
    pub fn decided_by(&self, now: Timestamp) -> String {
        let live: Vec<(&Session, Availability)> = self
            .sessions
            .iter()
            .filter_map(|s| s.state_at(now).map(|(availability, _)| (s, availability)))
            .collect();
        let shows = self.presence_at(now);
        let mut text = if live.is_empty() {
            "Offline: no live session".to_owned()
        } else if let Some(preferred) = self.preferred.filter(|p| p.is_live(now)) {
            format!(
                "{} preferred by the user until {}, which overrides every session",
                preferred.availability, preferred.expires_at
            )
        } else {
            self.decided_by_sessions(&live, now)
        };
        if shows.activity == presence_model::Activity::OutOfOffice {
            text.push_str("; out of office, so the activity reads OutOfOffice");
        }
        text
    }

    /// The aggregate of live sessions, or the meeting that outranks it.
    fn decided_by_sessions(&self, live: &[(&Session, Availability)], now: Timestamp) -> String {
        let winner = live
            .iter()
            .max_by(|a, b| (rank(a.1), a.0.refreshed_at).cmp(&(rank(b.1), b.0.refreshed_at)));
        let Some(&(session, availability)) = winner else {
            return "Offline: no live session".to_owned();
        };
        let meeting = self
            .calendar
            .iter()
            .find(|entry| entry.show_as.is_meeting() && entry.is_running(now));
        let from = format!(
            "{availability} from {}{}",
            session_label(session),
            faded(session, availability, now)
        );
        if let Some(entry) = meeting.filter(|_| rank(availability) < rank(Availability::Busy)) {
            let subject = entry.subject.as_deref().unwrap_or(&entry.id);
            return format!(
                "Busy from the meeting \"{subject}\" (until {}) outranks {from}",
                entry.end
            );
        }
        let losers: Vec<String> = live
            .iter()
            .filter(|(other, _)| !std::ptr::eq(*other, session))
            .map(|(other, shows)| {
                format!(
                    "{shows} from {}{}",
                    session_label(other),
                    faded(other, *shows, now)
                )
            })
            .collect();
        if losers.is_empty() {
            format!("{from}, the only live session")
        } else {
            format!("{from} outranks {}", losers.join(", "))
        }
    }

    /// What time alone changed after `after` up to `upto` (both on the server's clock), the
    /// first of [`TimeCause`]'s order that happened; `None` when no transition fell between.
    pub fn time_cause(&self, after: Timestamp, upto: Timestamp) -> Option<TimeCause> {
        let within = |at: Timestamp| after < at && at <= upto;
        let expiry = self.sessions.iter().any(|s| within(s.expires_at))
            || self.preferred.is_some_and(|p| within(p.expires_at))
            || self
                .status_message
                .as_ref()
                .and_then(|m| m.expires_at)
                .is_some_and(within);
        let meeting = self
            .calendar
            .iter()
            .any(|entry| within(entry.start) || within(entry.end));
        let replies = self.automatic_replies.as_ref().is_some_and(|replies| {
            replies.start.is_some_and(within) || replies.end.is_some_and(within)
        });
        let fade = self
            .sessions
            .iter()
            .any(|session| session.fade_times().any(within));
        [
            (expiry, TimeCause::Expiry),
            (meeting, TimeCause::Meeting),
            (replies, TimeCause::OutOfOffice),
            (fade, TimeCause::Fade),
        ]
        .into_iter()
        .find_map(|(happened, cause)| happened.then_some(cause))
    }

    /// The first instant after `now` at which what a read shows may change without a write.
    pub fn next_transition(&self, now: Timestamp) -> Option<Timestamp> {
        self.transitions().filter(|at| *at > now).min()
    }
}

/// ", faded: not refreshed for 10 min" when the session shows less than it was set to.
fn faded(session: &Session, shows: Availability, now: Timestamp) -> String {
    if shows == session.availability {
        return String::new();
    }
    let minutes = now.duration_since(session.refreshed_at).as_secs() / 60;
    format!(
        " (set {}, faded: not refreshed for {minutes} min)",
        session.availability
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarEntry, ShowAs};
    use crate::preferred::Preferred;
    use jiff::SignedDuration;
    use presence_model::Activity;

    fn at(mins: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_mins(mins)
    }

    fn session(id: &str, kind: SessionKind, av: Availability, act: Activity) -> Session {
        Session {
            session_id: id.into(),
            kind,
            availability: av,
            activity: act,
            refreshed_at: at(0),
            expires_at: at(60),
        }
    }

    fn two_sessions() -> UserState {
        UserState {
            sessions: vec![
                session(
                    "22553876-f5ab-4529-bffb-cfe50aa89f87",
                    SessionKind::Application,
                    Availability::DoNotDisturb,
                    Activity::Presenting,
                ),
                session(
                    "teams-desktop",
                    SessionKind::Client,
                    Availability::Busy,
                    Activity::InACall,
                ),
            ],
            ..UserState::default()
        }
    }

    #[test]
    fn the_highest_ranked_session_outranks_the_others() {
        assert_eq!(
            two_sessions().decided_by(at(1)),
            "DoNotDisturb from session 22553876… outranks Busy from client teams-desktop"
        );
    }

    #[test]
    fn no_session_preferred_meeting_fade_and_out_of_office_are_named() {
        assert_eq!(
            UserState::default().decided_by(at(0)),
            "Offline: no live session"
        );
        let mut user = two_sessions();
        user.preferred = Some(Preferred {
            availability: Availability::Away,
            activity: Activity::Away,
            expires_at: at(30),
        });
        assert!(
            user.decided_by(at(1))
                .starts_with("Away preferred by the user")
        );

        let mut lone = UserState {
            sessions: vec![session(
                "app",
                SessionKind::Application,
                Availability::Available,
                Activity::Available,
            )],
            ..UserState::default()
        };
        assert_eq!(
            lone.decided_by(at(6)),
            "AvailableIdle from session app (set Available, faded: not refreshed for 6 min), the only live session"
        );
        lone.calendar.push(CalendarEntry {
            id: "e1".into(),
            start: at(0),
            end: at(30),
            show_as: ShowAs::Busy,
            subject: Some("Standup".into()),
        });
        assert!(
            lone.decided_by(at(1))
                .starts_with("Busy from the meeting \"Standup\"")
        );
        lone.calendar[0].show_as = ShowAs::Oof;
        assert!(
            lone.decided_by(at(1))
                .ends_with("; out of office, so the activity reads OutOfOffice")
        );
    }

    #[test]
    fn time_causes_are_found_between_two_instants() {
        let mut user = UserState {
            sessions: vec![session(
                "app",
                SessionKind::Application,
                Availability::Available,
                Activity::Available,
            )],
            ..UserState::default()
        };
        assert_eq!(user.time_cause(at(0), at(4)), None);
        assert_eq!(user.time_cause(at(4), at(5)), Some(TimeCause::Fade));
        assert_eq!(user.time_cause(at(59), at(60)), Some(TimeCause::Expiry));
        user.calendar.push(CalendarEntry {
            id: "e1".into(),
            start: at(2),
            end: at(3),
            show_as: ShowAs::Busy,
            subject: None,
        });
        assert_eq!(user.time_cause(at(1), at(2)), Some(TimeCause::Meeting));
        assert_eq!(user.next_transition(at(0)), Some(at(2)));
        assert_eq!(user.next_transition(at(60)), None);
    }
}
