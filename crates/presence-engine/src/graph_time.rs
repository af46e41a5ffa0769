//! How Graph writes instants: seven fractional digits, UTC.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// `YYYY-MM-DDTHH:MM:SS.fffffff`, UTC without offset (a `dateTimeTimeZone.dateTime`).
pub fn graph_date_time(at: Timestamp) -> String {
    let utc = at.to_zoned_datetime(TimeZone::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}",
        utc.year(),
        utc.month(),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
        utc.subsec_nanosecond() / 100
    )
}

/// `YYYY-MM-DDTHH:MM:SS.fffffffZ` (an `Edm.DateTimeOffset`, as Graph writes them).
pub fn graph_timestamp(at: Timestamp) -> String {
    format!("{}Z", graph_date_time(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_digits_utc() {
        let at: Timestamp = "2022-10-18T17:05:33.2079781+02:00"
            .parse()
            .expect("timestamp");
        assert_eq!(graph_date_time(at), "2022-10-18T15:05:33.2079781");
        assert_eq!(graph_timestamp(at), "2022-10-18T15:05:33.2079781Z");
    }
}
