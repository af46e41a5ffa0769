//! Durations on the command line: human (`1h30m`, `90s`) or ISO-8601 (`PT1H30M`), via jiff.

use jiff::{SignedDuration, Span, SpanRelativeTo};

/// Parses `1h30m`, `1h 30m`, `45s`, `PT1H30M` or `P1D` (days are 24 hours).
pub fn parse(text: &str) -> Result<SignedDuration, String> {
    let span: Span = text
        .trim()
        .parse()
        .map_err(|e| format!("'{text}' is not a duration (try 1h30m or PT1H30M): {e}"))?;
    span.to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(|_| format!("'{text}': years and months have no fixed length"))
}

/// The ISO-8601 form the server expects (`PT1H30M`).
pub fn to_iso(duration: SignedDuration) -> String {
    format!("{duration:#}")
        .parse::<Span>()
        .map(|span| span.to_string())
        .unwrap_or_else(|_| format!("PT{}S", duration.as_secs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_and_iso_forms() {
        let table = [
            ("1h30m", 5_400),
            ("1h 30m", 5_400),
            ("90s", 90),
            ("PT1H30M", 5_400),
            ("P1D", 86_400),
            ("5m", 300),
        ];
        for (text, secs) in table {
            assert_eq!(parse(text), Ok(SignedDuration::from_secs(secs)), "{text}");
        }
        assert!(parse("soon").is_err());
        assert!(parse("P1M").is_err());
    }

    #[test]
    fn iso_output_round_trips_through_the_server_parser_shape() {
        assert_eq!(to_iso(SignedDuration::from_secs(5_400)), "PT1H30M");
        assert_eq!(to_iso(SignedDuration::from_secs(300)), "PT5M");
    }
}
