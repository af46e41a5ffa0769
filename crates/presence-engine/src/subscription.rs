//! Subscription rules (Graph reference §11): which resources, how long, what else is checked.

use jiff::{SignedDuration, Timestamp};

/// Longest a presence subscription lives; renew with PATCH before it lapses.
pub const MAX_LIFETIME: SignedDuration = SignedDuration::from_hours(1);
/// Clock skew tolerated on a requested expiry just past the maximum (it is clamped).
const SKEW: SignedDuration = SignedDuration::from_secs(60);
/// The shortest lifetime Graph gives a subscription; shorter requests are raised to it.
const MIN_LIFETIME: SignedDuration = SignedDuration::from_mins(45);
/// Most users one subscription may follow.
pub const MAX_USERS: usize = 650;
/// Longest `clientState`.
pub const MAX_CLIENT_STATE: usize = 128;

/// The users a `resource` string names: `communications/presences/{id}` or
/// `communications/presences?$filter=id in ('{id}', ...)`, with or without a leading slash.
/// Ids are returned normalised (lowercase), each once.
pub fn users_of_resource(resource: &str) -> Result<Vec<String>, String> {
    let unsupported = || {
        format!(
            "Unsupported resource '{resource}': use communications/presences/{{id}} or \
             /communications/presences?$filter=id in ('{{id}}', ...)."
        )
    };
    let path = resource.trim().trim_start_matches('/');
    let ids: Vec<String> = if let Some(id) = path.strip_prefix("communications/presences/") {
        if id.is_empty() || id.contains(['/', '?', '(']) {
            return Err(unsupported());
        }
        vec![id.to_owned()]
    } else if let Some(query) = path.strip_prefix("communications/presences?") {
        let filter = query
            .strip_prefix("$filter=")
            .ok_or_else(unsupported)?
            .trim();
        let list = filter
            .strip_prefix("id in (")
            .or_else(|| filter.strip_prefix("id in("))
            .and_then(|rest| rest.strip_suffix(')'))
            .ok_or_else(unsupported)?;
        list.split(',')
            .map(|item| {
                let item = item.trim();
                item.strip_prefix('\'')
                    .and_then(|i| i.strip_suffix('\''))
                    .map(str::to_owned)
                    .ok_or_else(unsupported)
            })
            .collect::<Result<_, _>>()?
    } else {
        return Err(unsupported());
    };
    let mut distinct: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.trim().to_ascii_lowercase();
        if id.is_empty() || id.len() > 256 || id.chars().any(char::is_control) {
            return Err(format!("Invalid user id '{id}' in resource."));
        }
        if !distinct.contains(&id) {
            distinct.push(id);
        }
    }
    if distinct.len() > MAX_USERS {
        return Err(format!(
            "The resource names {} users; at most {MAX_USERS} are allowed.",
            distinct.len()
        ));
    }
    Ok(distinct)
}

/// The expiry to store for a requested `expirationDateTime`: in the future and at most one
/// hour ahead (a request up to a minute past the hour is clamped to it, for clock skew). A
/// request under 45 minutes ahead gets 45 minutes, as Graph does (the subscription
/// resource's lifetime notes; issue #17).
pub fn expiration(requested: &str, now: Timestamp) -> Result<Timestamp, String> {
    let at: Timestamp = requested.trim().parse().map_err(|_| {
        format!("expirationDateTime '{requested}' is not an RFC 3339 date and time with an offset.")
    })?;
    let latest = now + MAX_LIFETIME;
    if at <= now {
        Err(format!("expirationDateTime {at} is not in the future."))
    } else if at > latest + SKEW {
        Err(format!(
            "Subscription expiration can only be 60 minutes in the future (at most {latest})."
        ))
    } else {
        // Milliseconds: what the store keeps, so the answer equals what is read back later.
        let at = at.min(latest).max(now + MIN_LIFETIME);
        Ok(Timestamp::from_millisecond(at.as_millisecond()).unwrap_or(at))
    }
}

/// Checks the other fields of a new subscription.
pub fn check_fields(
    change_type: &str,
    client_state: Option<&str>,
    url: &str,
) -> Result<(), (&'static str, String)> {
    if change_type.trim() != "updated" {
        return Err((
            "changeType",
            format!("changeType '{change_type}' is not supported for presence; use 'updated'."),
        ));
    }
    if client_state.is_some_and(|state| state.chars().count() > MAX_CLIENT_STATE) {
        return Err((
            "clientState",
            format!("clientState is longer than {MAX_CLIENT_STATE} characters."),
        ));
    }
    check_url(url).map_err(|message| ("notificationUrl", message))
}

/// A notification URL must be absolute HTTP(S). (Graph requires HTTPS; plain HTTP is
/// accepted here so receivers on loopback work without certificates.)
pub fn check_url(url: &str) -> Result<(), String> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(format!("'{url}' is not an absolute http(s) URL."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_single_and_bulk_with_or_without_slash() {
        assert_eq!(
            users_of_resource("communications/presences/ABC"),
            Ok(vec!["abc".to_owned()])
        );
        assert_eq!(
            users_of_resource("/communications/presences/abc"),
            Ok(vec!["abc".to_owned()])
        );
        assert_eq!(
            users_of_resource("/communications/presences?$filter=id in ('a', 'B','a')"),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        for bad in [
            "users/abc/presence",
            "communications/presences/",
            "communications/presences?$filter=id eq 'a'",
            "communications/presences?$filter=id in (a)",
        ] {
            assert!(users_of_resource(bad).is_err(), "{bad}");
        }
        let many: Vec<String> = (0..651).map(|i| format!("'u{i}'")).collect();
        let too_many = format!(
            "communications/presences?$filter=id in ({})",
            many.join(",")
        );
        assert!(users_of_resource(&too_many).is_err());
    }

    #[test]
    fn expiration_is_future_and_at_most_an_hour_ahead() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().expect("timestamp");
        assert_eq!(
            expiration("2026-01-01T00:30:00Z", now),
            Ok("2026-01-01T00:45:00Z".parse().expect("a time")),
            "raised to 45 minutes"
        );
        assert_eq!(
            expiration("2026-01-01T00:50:00Z", now),
            Ok("2026-01-01T00:50:00Z".parse().expect("a time"))
        );
        assert_eq!(
            expiration("2026-01-01T01:00:30Z", now),
            Ok(now + MAX_LIFETIME)
        );
        assert!(expiration("2026-01-01T01:02:00Z", now).is_err());
        assert!(expiration("2025-12-31T23:59:59Z", now).is_err());
        assert!(expiration("tomorrow", now).is_err());
    }

    #[test]
    fn fields() {
        assert!(check_fields("updated", Some("s"), "https://x/hook").is_ok());
        assert_eq!(
            check_fields("created", None, "https://x").map_err(|e| e.0),
            Err("changeType")
        );
        assert_eq!(
            check_fields("updated", Some(&"c".repeat(129)), "https://x").map_err(|e| e.0),
            Err("clientState")
        );
        assert_eq!(
            check_fields("updated", None, "ftp://x").map_err(|e| e.0),
            Err("notificationUrl")
        );
    }
}
