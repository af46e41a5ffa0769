//! Automatic replies (Outlook's out-of-office), and the out-of-office state a presence shows.

use jiff::Timestamp;
use presence_model::{Activity, OutOfOfficeSettings};

use super::aggregate::EffectivePresence;
use super::calendar::{CalendarEntry, ShowAs};

/// The user's automatic replies: on, optionally only within a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutomaticReplies {
    pub message: Option<String>,
    /// From this time (none: already).
    pub start: Option<Timestamp>,
    /// Until just before this time (none: until turned off).
    pub end: Option<Timestamp>,
}

impl AutomaticReplies {
    /// Whether the replies are on at `now`.
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.start.is_none_or(|start| start <= now) && self.end.is_none_or(|end| now < end)
    }
}

/// `outOfOfficeSettings` at `now`: out of office while automatic replies are on or an `oof`
/// calendar entry runs (Graph reference §2.4); the message is the automatic reply's.
pub fn settings_at(
    replies: Option<&AutomaticReplies>,
    calendar: &[CalendarEntry],
    now: Timestamp,
) -> OutOfOfficeSettings {
    let replying = replies.filter(|replies| replies.is_active(now));
    let oof_entry = calendar
        .iter()
        .any(|entry| entry.show_as == ShowAs::Oof && entry.is_running(now));
    OutOfOfficeSettings {
        message: replying.and_then(|replies| replies.message.clone()),
        is_out_of_office: replying.is_some() || oof_entry,
    }
}

/// The presence an out-of-office user shows: Teams marks the plain states (Available, Away,
/// Be right back, Offline, idle) "out of office" in the activity (`Available`/`OutOfOffice`,
/// Graph reference §1.4), and keeps the specific ones (in a call, in a meeting, presenting,
/// focusing, appear offline, an explicit Busy or Do not disturb), whose OOF shows only in
/// `outOfOfficeSettings`.
pub fn overlay(presence: EffectivePresence) -> EffectivePresence {
    let plain = matches!(
        presence.activity,
        Activity::Available
            | Activity::Away
            | Activity::BeRightBack
            | Activity::Offline
            | Activity::Inactive
    );
    EffectivePresence {
        activity: if plain {
            Activity::OutOfOffice
        } else {
            presence.activity
        },
        ..presence
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;
    use presence_model::Availability;

    #[test]
    fn replies_count_only_within_their_window_and_oof_entries_count_too() {
        let t0 = Timestamp::UNIX_EPOCH;
        let hour = SignedDuration::from_hours(1);
        let replies = AutomaticReplies {
            message: Some("back Monday".into()),
            start: Some(t0 + hour),
            end: Some(t0 + hour * 2),
        };
        assert!(!settings_at(Some(&replies), &[], t0).is_out_of_office);
        let during = settings_at(Some(&replies), &[], t0 + hour);
        assert_eq!(
            (during.is_out_of_office, during.message.as_deref()),
            (true, Some("back Monday"))
        );
        assert!(!settings_at(Some(&replies), &[], t0 + hour * 2).is_out_of_office);
        let holiday = CalendarEntry {
            id: "h".into(),
            start: t0,
            end: t0 + hour,
            show_as: ShowAs::Oof,
            subject: None,
        };
        let away = settings_at(None, std::slice::from_ref(&holiday), t0);
        assert_eq!((away.is_out_of_office, away.message), (true, None));
    }

    #[test]
    fn the_overlay_marks_plain_states_and_keeps_specific_ones() {
        let p = |availability, activity| EffectivePresence {
            availability,
            activity,
        };
        let cases = [
            (
                p(Availability::Available, Activity::Available),
                Activity::OutOfOffice,
            ),
            (
                p(Availability::Offline, Activity::Offline),
                Activity::OutOfOffice,
            ),
            (
                p(Availability::AvailableIdle, Activity::Inactive),
                Activity::OutOfOffice,
            ),
            (p(Availability::Busy, Activity::InACall), Activity::InACall),
            (
                p(Availability::Offline, Activity::OffWork),
                Activity::OffWork,
            ),
            (
                p(Availability::DoNotDisturb, Activity::Presenting),
                Activity::Presenting,
            ),
        ];
        for (presence, activity) in cases {
            let shown = overlay(presence);
            assert_eq!(
                (shown.availability, shown.activity),
                (presence.availability, activity)
            );
        }
    }
}
