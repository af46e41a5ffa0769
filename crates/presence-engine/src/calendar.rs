//! Calendar entries: what Outlook's calendar contributes to presence (Graph reference §1.4:
//! "In a meeting" and "Out of office" come from calendar events, not from any API call).

use jiff::Timestamp;

/// How an entry shows the user's time (Outlook's `showAs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShowAs {
    Free,
    Tentative,
    Busy,
    Oof,
}

impl ShowAs {
    /// The wire and stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ShowAs::Free => "free",
            ShowAs::Tentative => "tentative",
            ShowAs::Busy => "busy",
            ShowAs::Oof => "oof",
        }
    }

    /// Parses the spelling (any case).
    pub fn parse(text: &str) -> Option<Self> {
        [ShowAs::Free, ShowAs::Tentative, ShowAs::Busy, ShowAs::Oof]
            .into_iter()
            .find(|show| show.as_str().eq_ignore_ascii_case(text))
    }

    /// Whether a running entry puts the user in a meeting (`Busy`/`InAMeeting`): accepted and
    /// tentative meetings do, as Teams shows them.
    pub fn is_meeting(self) -> bool {
        matches!(self, ShowAs::Busy | ShowAs::Tentative)
    }
}

/// One calendar entry of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    pub id: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub show_as: ShowAs,
    pub subject: Option<String>,
}

impl CalendarEntry {
    /// Whether the entry is running at `now`: from its start, up to (not including) its end.
    pub fn is_running(&self, now: Timestamp) -> bool {
        self.start <= now && now < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    #[test]
    fn an_entry_runs_from_its_start_until_just_before_its_end() {
        let t0 = Timestamp::UNIX_EPOCH;
        let entry = CalendarEntry {
            id: "e".into(),
            start: t0,
            end: t0 + SignedDuration::from_mins(30),
            show_as: ShowAs::Busy,
            subject: None,
        };
        assert!(!entry.is_running(t0 - SignedDuration::from_millis(1)));
        assert!(entry.is_running(t0));
        assert!(
            entry.is_running(t0 + SignedDuration::from_mins(30) - SignedDuration::from_millis(1))
        );
        assert!(!entry.is_running(t0 + SignedDuration::from_mins(30)));
        assert_eq!(ShowAs::parse("OOF"), Some(ShowAs::Oof));
        assert_eq!(ShowAs::parse("workingElsewhere"), None);
    }
}
