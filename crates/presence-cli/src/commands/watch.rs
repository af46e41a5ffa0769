//! `watch`: follow users through the server's presence event stream (`/events/presence`,
//! server-sent events, read through the generated client) and print each change.

use std::collections::HashMap;

use presence_model::Presence;
use tokio_stream::StreamExt;

use crate::cli::{OutputFormat, WatchArgs};
use crate::connection::Connection;
use crate::failure::{Class, Failure};

/// What a change is judged on: what a person looking at the presence would notice.
type Visible = (String, String, Option<String>, String);

fn visible(p: &Presence) -> Visible {
    let message = p
        .status_message
        .as_ref()
        .and_then(|m| m.message.as_ref())
        .and_then(|m| m.content.clone());
    (
        p.availability.to_string(),
        p.activity.to_string(),
        message,
        p.work_location.work_location_type.to_string(),
    )
}

pub async fn run(
    connection: &Connection,
    args: WatchArgs,
    format: OutputFormat,
) -> Result<(), Failure> {
    let ids = args
        .users
        .iter()
        .map(|user| connection.user(user))
        .collect::<Result<Vec<_>, _>>()?
        .join(",");
    let mut stream = connection
        .client
        .presence_events()
        .ids(ids)
        .send()
        .await?
        .into_inner()
        .into_inner();
    let mut buffer = String::new();
    let mut last: HashMap<String, Visible> = HashMap::new();
    let mut changes = 0usize;
    loop {
        let chunk = tokio::select! {
            chunk = stream.next() => chunk,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let Some(chunk) = chunk else {
            return Err(Failure {
                class: Class::Server,
                message: "the server closed the event stream".into(),
            });
        };
        let chunk = chunk.map_err(|e| Failure {
            class: Class::Server,
            message: format!("event stream: {e}"),
        })?;
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let Some(presence) = parse_event(&event) else {
                continue;
            };
            let now = visible(&presence);
            let before = last.insert(presence.id.clone(), now.clone());
            if before.as_ref() == Some(&now) {
                continue;
            }
            print_change(format, &presence, before.as_ref());
            if before.is_some() {
                changes += 1;
                if args.changes.is_some_and(|wanted| changes >= wanted) {
                    return Ok(());
                }
            }
        }
    }
}

/// The presence carried by one server-sent event (`data:` lines), if it is one.
fn parse_event(event: &str) -> Option<Presence> {
    let data: Vec<&str> = event
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(str::trim_start)
        .collect();
    if data.is_empty() {
        return None;
    }
    serde_json::from_str(&data.join("\n")).ok()
}

fn print_change(format: OutputFormat, presence: &Presence, before: Option<&Visible>) {
    let at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now());
    match format {
        OutputFormat::Json => {
            let line = serde_json::json!({ "at": at.to_string(), "presence": presence });
            println!("{line}");
        }
        OutputFormat::Table => {
            let now = describe(&visible(presence));
            match before {
                Some(before) => println!("{at}  {}  {} -> {now}", presence.id, describe(before)),
                None => println!("{at}  {}  {now}", presence.id),
            }
        }
    }
}

/// `Availability/Activity`, with the status message in quotes when there is one.
fn describe((availability, activity, message, _): &Visible) -> String {
    match message {
        Some(message) => format!("{availability}/{activity} \"{message}\""),
        None => format!("{availability}/{activity}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_with_data_are_presences_comments_are_not() {
        let event = "event: presence\ndata: {\"id\":\"u\",\"availability\":\"Busy\",\"activity\":\"InACall\",\
            \"outOfOfficeSettings\":{\"message\":null,\"isOutOfOffice\":false},\"sequenceNumber\":\"A1\",\
            \"statusMessage\":null,\"workLocation\":{\"workLocationType\":\"office\",\"source\":\"manual\",\"placeId\":null}}\n\n";
        let presence = parse_event(event).expect("a presence");
        assert_eq!(presence.id, "u");
        assert_eq!(presence.activity.to_string(), "InACall");
        assert!(parse_event(": keep-alive\n\n").is_none());
    }
}
