//! `watch`: follow users and print each change of their presence (by polling the batch read;
//! a push stream can replace the polling without changing the output).

use std::collections::HashMap;

use presence_model::Presence;

use crate::cli::{OutputFormat, WatchArgs};
use crate::connection::Connection;
use crate::failure::Failure;

use super::read::read_many;

/// What a change is judged on: what a person looking at the presence would notice.
fn visible(p: &Presence) -> (String, String, Option<String>, String) {
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
    let interval = std::time::Duration::try_from(args.interval)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| Failure::usage("--interval must be positive"))?;
    let mut last: HashMap<String, (String, String, Option<String>, String)> = HashMap::new();
    let mut changes = 0usize;
    let mut ticker = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
        for presence in read_many(connection, &args.users).await? {
            let now = visible(&presence);
            let before = last.insert(presence.id.clone(), now.clone());
            if before.as_ref() == Some(&now) {
                continue;
            }
            print_change(format, &presence, before.as_ref());
            if before.is_some() {
                changes += 1;
            }
        }
        if args.changes.is_some_and(|wanted| changes >= wanted) {
            return Ok(());
        }
    }
}

fn print_change(
    format: OutputFormat,
    presence: &Presence,
    before: Option<&(String, String, Option<String>, String)>,
) {
    let at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now());
    match format {
        OutputFormat::Json => {
            let line = serde_json::json!({ "at": at.to_string(), "presence": presence });
            println!("{line}");
        }
        OutputFormat::Table => {
            let now = format!("{}/{}", presence.availability, presence.activity);
            match before {
                Some((availability, activity, _, _)) => {
                    println!("{at}  {}  {availability}/{activity} -> {now}", presence.id);
                }
                None => println!("{at}  {}  {now}", presence.id),
            }
        }
    }
}
