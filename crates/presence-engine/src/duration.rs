//! Parsing of the `expirationDuration` values clients send.
//!
//! Graph types the field `Edm.Duration` (ISO-8601: `PT1H`, `PT90M`, `P1D`, `PT0.5S`), which
//! jiff parses. Some official SDKs serialise their language's duration type instead: the
//! Python SDK sends `str(timedelta)` (`"1:00:00"`, `"1 day, 2:00:00"`) and .NET's `TimeSpan`
//! prints `"1.02:00:00"`. Those two shapes are read here too, so every SDK works unchanged.

use jiff::{SignedDuration, Span, SpanRelativeTo};

/// Why a duration string was refused; the message is meant for the API caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{input}' is not a valid duration: use ISO-8601 such as 'PT1H' or 'PT30M' (or 'H:MM:SS'); {reason}"
)]
pub struct DurationError {
    pub input: String,
    pub reason: String,
}

/// Parses an ISO-8601 duration, or an `[D.]H:MM:SS[.f]` / `D day(s), H:MM:SS[.f]` time span.
pub fn parse_duration(input: &str) -> Result<SignedDuration, DurationError> {
    let text = input.trim();
    let error = |reason: &str| DurationError {
        input: input.to_owned(),
        reason: reason.to_owned(),
    };
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    if unsigned.starts_with(['P', 'p']) {
        let span: Span = text
            .parse()
            .map_err(|e: jiff::Error| error(&e.to_string()))?;
        // Days are exactly 24 hours here: a session lifetime is not a calendar quantity.
        span.to_duration(SpanRelativeTo::days_are_24_hours())
            .map_err(|_| error("years and months have no fixed length"))
    } else if text.contains(':') {
        parse_time_span(text).ok_or_else(|| error("the time span is malformed"))
    } else {
        Err(error("it is neither ISO-8601 nor a time span"))
    }
}

/// `[-][D.]H:MM:SS[.fraction]` (.NET) or `[-]D day[s], H:MM:SS[.fraction]` (Python).
fn parse_time_span(text: &str) -> Option<SignedDuration> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (days, clock) = if let Some((days, clock)) = text.split_once(',') {
        let days = days.trim_end();
        let days = days
            .strip_suffix(" days")
            .or_else(|| days.strip_suffix(" day"))?;
        (parse_digits(days.trim())?, clock.trim_start())
    } else {
        match text.split_once('.') {
            Some((days, clock)) if !days.contains(':') => (parse_digits(days)?, clock),
            _ => (0, text),
        }
    };
    let mut parts = clock.split(':');
    let (hours, minutes, seconds) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (seconds, fraction) = match seconds.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (seconds, None),
    };
    let (hours, minutes, seconds) = (
        parse_digits(hours)?,
        parse_two_digits_below_60(minutes)?,
        parse_two_digits_below_60(seconds)?,
    );
    let nanos = match fraction {
        Some(fraction) if !fraction.is_empty() && fraction.len() <= 9 => {
            parse_digits(fraction)? * 10_i64.pow(9 - u32::try_from(fraction.len()).ok()?)
        }
        Some(_) => return None,
        None => 0,
    };
    let secs = days
        .checked_mul(86_400)?
        .checked_add(hours.checked_mul(3_600)?)?
        .checked_add(minutes * 60 + seconds)?;
    let duration = SignedDuration::new(secs, i32::try_from(nanos).ok()?);
    Some(if negative { -duration } else { duration })
}

fn parse_digits(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_two_digits_below_60(text: &str) -> Option<i64> {
    (text.len() == 2)
        .then(|| parse_digits(text))
        .flatten()
        .filter(|v| *v < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: i64) -> SignedDuration {
        SignedDuration::from_secs(s)
    }

    #[test]
    fn accepts_iso_8601_and_sdk_time_spans() {
        let table = [
            ("PT1H", secs(3_600)),
            ("PT5M", secs(300)),
            ("PT90M", secs(5_400)),
            ("PT1H30M", secs(5_400)),
            ("P1D", secs(86_400)),
            ("P1DT2H", secs(93_600)),
            ("P1W", secs(7 * 86_400)),
            ("PT0.5S", SignedDuration::from_millis(500)),
            ("pt4h", secs(14_400)),
            ("-PT5M", secs(-300)),
            ("1:00:00", secs(3_600)),
            ("0:05:00", secs(300)),
            ("04:00:00", secs(14_400)),
            ("1.02:00:00", secs(93_600)),
            ("1 day, 2:00:00", secs(93_600)),
            ("2 days, 0:00:00", secs(172_800)),
            ("0:05:00.250000", SignedDuration::from_millis(300_250)),
            ("-0:05:00", secs(-300)),
        ];
        for (input, expected) in table {
            assert_eq!(parse_duration(input), Ok(expected), "{input}");
        }
    }

    #[test]
    fn rejects_everything_else_with_a_message_naming_the_input() {
        for input in [
            "",
            "1h",
            "PT",
            "P1M",
            "P1Y",
            "5",
            "1:60:00",
            "1:00",
            "1:00:00:00",
            "1:0:00",
            "x.1:00:00",
            "1:00:00.",
            "1:00:00.1234567890",
            "1 week, 1:00:00",
            "PTXH",
        ] {
            let error = parse_duration(input).expect_err(input);
            assert!(error.to_string().contains(&format!("'{input}'")), "{error}");
        }
    }
}
