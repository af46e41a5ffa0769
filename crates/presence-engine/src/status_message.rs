//! setStatusMessage rules: what a valid message is, when it expires, and who sees what.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use presence_model::{BodyType, DateTimeTimeZone, ItemBody, PresenceStatusMessage};

use super::Audience;
use super::graph_time::{graph_date_time, graph_timestamp};

/// Longest message accepted, in characters (Teams' own limit).
pub const MAX_CHARS: usize = 280;

/// A status message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub content: String,
    pub expires_at: Option<Timestamp>,
    pub published_at: Timestamp,
}

impl StatusMessage {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }

    /// How the message reads in a presence: its owner sees when it was published and when it
    /// expires (in UTC); everyone else sees only the text, as in Graph.
    pub fn view(&self, audience: Audience) -> PresenceStatusMessage {
        let message = Some(ItemBody {
            content: Some(self.content.clone()),
            content_type: Some(BodyType::Text),
        });
        match audience {
            Audience::Other => PresenceStatusMessage {
                message,
                ..PresenceStatusMessage::default()
            },
            Audience::Owner => PresenceStatusMessage {
                message,
                expiry_date_time: self.expires_at.map(|at| DateTimeTimeZone {
                    date_time: graph_date_time(at),
                    time_zone: Some("UTC".to_owned()),
                }),
                published_date_time: Some(graph_timestamp(self.published_at)),
            },
        }
    }
}

/// A refused status message: why, and which property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub target: &'static str,
    pub message: String,
}

fn invalid(target: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        target,
        message: message.into(),
    }
}

/// The message to store for a setStatusMessage body, or `None` to clear it: an absent
/// `statusMessage`, an absent `message` or empty content all clear.
pub fn from_request(
    request: Option<&PresenceStatusMessage>,
    now: Timestamp,
) -> Result<Option<StatusMessage>, Invalid> {
    let Some(request) = request else {
        return Ok(None);
    };
    let body = request.message.as_ref();
    if let Some(content_type) = body.and_then(|body| body.content_type)
        && content_type != BodyType::Text
    {
        return Err(invalid(
            "contentType",
            format!(
                "contentType '{content_type}' is not supported for a status message; use 'text'."
            ),
        ));
    }
    let content = body
        .and_then(|body| body.content.as_deref())
        .unwrap_or_default();
    if content.is_empty() {
        return Ok(None);
    }
    let chars = content.chars().count();
    if chars > MAX_CHARS {
        return Err(invalid(
            "content",
            format!("The status message has {chars} characters; at most {MAX_CHARS} are allowed."),
        ));
    }
    let expires_at = request
        .expiry_date_time
        .as_ref()
        .map(expiry_to_utc)
        .transpose()?;
    if let Some(at) = expires_at
        && at <= now
    {
        return Err(invalid(
            "expiryDateTime",
            format!("expiryDateTime {at} is not in the future."),
        ));
    }
    Ok(Some(StatusMessage {
        content: content.to_owned(),
        expires_at,
        published_at: now,
    }))
}

/// The instant a `dateTimeTimeZone` names: its wall-clock time read in its zone (Windows or
/// IANA name; UTC when absent). A `dateTime` that carries its own offset is taken as is.
pub fn expiry_to_utc(value: &DateTimeTimeZone) -> Result<Timestamp, Invalid> {
    let text = value.date_time.trim();
    // An explicit offset wins (jiff's civil parser would silently drop it).
    if let Ok(instant) = text.parse::<Timestamp>() {
        return Ok(instant);
    }
    let civil = text.parse::<DateTime>().map_err(|_| {
        invalid(
            "expiryDateTime",
            format!(
                "expiryDateTime.dateTime '{text}' is not a date and time such as \
                 '2022-10-18T17:05:33.2079781'."
            ),
        )
    })?;
    let zone = resolve_time_zone(value.time_zone.as_deref().unwrap_or("UTC"))?;
    civil
        .to_zoned_datetime(zone)
        .map(|zoned| zoned.timestamp())
        .map_err(|e| {
            invalid(
                "expiryDateTime",
                format!("expiryDateTime is out of range: {e}."),
            )
        })
}

/// Looks a zone up by IANA name, then as a Windows zone name (CLDR's mapping).
pub fn resolve_time_zone(name: &str) -> Result<TimeZone, Invalid> {
    let name = name.trim();
    if name.is_empty() || name.eq_ignore_ascii_case("UTC") {
        return Ok(TimeZone::UTC);
    }
    if let Ok(zone) = jiff::tz::db().get(name) {
        return Ok(zone);
    }
    localzone::win_zone_to_iana(name, None)
        .and_then(|iana| jiff::tz::db().get(iana).ok())
        .ok_or_else(|| {
            invalid(
                "timeZone",
                format!("'{name}' is not a known Windows or IANA time zone name."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("a valid timestamp")
    }

    fn request(content: &str, expiry: Option<(&str, &str)>) -> PresenceStatusMessage {
        PresenceStatusMessage {
            message: Some(ItemBody {
                content: Some(content.to_owned()),
                content_type: Some(BodyType::Text),
            }),
            expiry_date_time: expiry.map(|(date_time, zone)| DateTimeTimeZone {
                date_time: date_time.to_owned(),
                time_zone: Some(zone.to_owned()),
            }),
            published_date_time: None,
        }
    }

    #[test]
    fn windows_and_iana_zones_convert_to_the_same_instant() {
        // 17:05 in Los Angeles on 18 Oct 2022 is PDT (UTC-7).
        let expected = at("2022-10-19T00:05:33.207Z");
        for zone in ["Pacific Standard Time", "America/Los_Angeles"] {
            let value = DateTimeTimeZone {
                date_time: "2022-10-18T17:05:33.207".into(),
                time_zone: Some(zone.into()),
            };
            assert_eq!(expiry_to_utc(&value), Ok(expected), "{zone}");
        }
        let utc = DateTimeTimeZone {
            date_time: "2022-10-18T17:05:33".into(),
            time_zone: None,
        };
        assert_eq!(expiry_to_utc(&utc), Ok(at("2022-10-18T17:05:33Z")));
        let with_offset = DateTimeTimeZone {
            date_time: "2022-10-18T17:05:33+02:00".into(),
            time_zone: Some("UTC".into()),
        };
        assert_eq!(expiry_to_utc(&with_offset), Ok(at("2022-10-18T15:05:33Z")));
    }

    #[test]
    fn invalid_inputs_name_their_property() {
        let now = at("2022-01-01T00:00:00Z");
        let table = [
            (request(&"x".repeat(281), None), "content"),
            (
                request("hi", Some(("2022-10-18T17:05:33", "Mars Standard Time"))),
                "timeZone",
            ),
            (request("hi", Some(("tomorrow", "UTC"))), "expiryDateTime"),
            (
                request("hi", Some(("2021-12-31T23:59:59", "UTC"))),
                "expiryDateTime",
            ),
        ];
        for (body, target) in table {
            let error = from_request(Some(&body), now).expect_err(target);
            assert_eq!(error.target, target, "{}", error.message);
        }
        let html = PresenceStatusMessage {
            message: Some(ItemBody {
                content: Some("<b>hi</b>".into()),
                content_type: Some(BodyType::Html),
            }),
            ..PresenceStatusMessage::default()
        };
        assert_eq!(
            from_request(Some(&html), now).expect_err("html").target,
            "contentType"
        );
    }

    #[test]
    fn empty_or_absent_content_clears_and_280_characters_fit() {
        let now = at("2022-01-01T00:00:00Z");
        assert_eq!(from_request(None, now), Ok(None));
        assert_eq!(from_request(Some(&request("", None)), now), Ok(None));
        assert_eq!(
            from_request(Some(&PresenceStatusMessage::default()), now),
            Ok(None)
        );
        let longest = "é".repeat(MAX_CHARS);
        let stored = from_request(Some(&request(&longest, None)), now)
            .expect("280 characters are allowed")
            .expect("a message");
        assert_eq!(stored.content, longest);
        assert_eq!(stored.published_at, now);
    }

    #[test]
    fn owner_sees_times_others_see_text_and_expiry_is_exclusive() {
        let message = StatusMessage {
            content: "In a meeting".into(),
            expires_at: Some(at("2022-10-19T00:05:33.2079781Z")),
            published_at: at("2022-10-18T16:00:00Z"),
        };
        let owner = message.view(Audience::Owner);
        let expiry = owner.expiry_date_time.expect("owner sees the expiry");
        assert_eq!(expiry.date_time, "2022-10-19T00:05:33.2079781");
        assert_eq!(expiry.time_zone.as_deref(), Some("UTC"));
        assert_eq!(
            owner.published_date_time.as_deref(),
            Some("2022-10-18T16:00:00.0000000Z")
        );
        let other = message.view(Audience::Other);
        assert_eq!(other.expiry_date_time, None);
        assert_eq!(other.published_date_time, None);
        assert_eq!(other.message, owner.message);
        assert!(message.is_live(at("2022-10-19T00:05:33.2079780Z")));
        assert!(!message.is_live(at("2022-10-19T00:05:33.2079781Z")));
    }
}
