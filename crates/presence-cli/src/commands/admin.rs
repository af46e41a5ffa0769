//! `admin …`: the control plane, through the generated client's admin operations.

use presence_client::types::{ClockAdvance, ResetScope, Snapshot};

use crate::cli::{AdminCommand, ImportMode, OutputFormat};
use crate::connection::Connection;
use crate::duration::to_iso;
use crate::failure::Failure;
use crate::output;

pub async fn run(
    connection: &Connection,
    command: AdminCommand,
    format: OutputFormat,
) -> Result<(), Failure> {
    let admin = &connection.admin;
    match command {
        AdminCommand::Info => {
            let info = admin.admin_info().send().await?.into_inner();
            output::record(format, &info);
        }
        AdminCommand::Reset { tenant, user } => {
            let outcome = admin
                .admin_reset()
                .body(ResetScope { tenant, user })
                .send()
                .await?
                .into_inner();
            output::record(format, &outcome);
        }
        AdminCommand::Requests(args) => super::journal::requests(connection, args, format).await?,
        AdminCommand::Deliveries { subscription, view } => {
            super::journal::deliveries(connection, subscription, view, format).await?;
        }
        AdminCommand::Fault(command) => super::faults::run(connection, command, format).await?,
        AdminCommand::Client(command) => super::outlook_teams::client(connection, command).await?,
        AdminCommand::OutOfOffice(args) => {
            super::outlook_teams::out_of_office(connection, args).await?
        }
        AdminCommand::Calendar(command) => {
            super::outlook_teams::calendar(connection, command, format).await?;
        }
        AdminCommand::Export { file } => {
            let snapshot = admin.admin_export().send().await?.into_inner();
            let mut text = serde_json::to_string_pretty(&snapshot).unwrap_or_default();
            text.push('\n');
            match file {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?,
                None => print!("{text}"),
            }
        }
        AdminCommand::Import { file, mode } => {
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())
            } else {
                std::fs::read_to_string(&file)
            }
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
            let snapshot: Snapshot = serde_json::from_str(&text).map_err(|e| {
                Failure::usage(format!("{} is not a snapshot: {e}", file.display()))
            })?;
            let mode = match mode {
                ImportMode::Merge => "merge",
                ImportMode::Replace => "replace",
            };
            let outcome = admin
                .admin_import()
                .mode(mode)
                .body(snapshot)
                .send()
                .await?
                .into_inner();
            output::record(format, &outcome);
        }
        AdminCommand::Users { tenant, after, top } => {
            let mut request = admin
                .admin_list_tenant_users()
                .tid(tenant.as_str())
                .top(top);
            if let Some(after) = after {
                request = request.after(after);
            }
            let page = request.send().await?.into_inner();
            match format {
                OutputFormat::Json => output::record(format, &page),
                OutputFormat::Table => output::rows(
                    ["USER", "AVAILABILITY", "ACTIVITY", "SESSIONS"],
                    page.value
                        .iter()
                        .map(|user| {
                            [
                                user.id.clone(),
                                user.presence.availability.to_string(),
                                user.presence.activity.to_string(),
                                user.sessions.iter().filter(|s| s.live).count().to_string(),
                            ]
                        })
                        .collect(),
                ),
            }
        }
        AdminCommand::User(who) => {
            let user = admin
                .admin_get_tenant_user()
                .tid(who.tenant.as_str())
                .id(who.user.as_str())
                .send()
                .await?
                .into_inner();
            output::record(format, &user);
        }
        AdminCommand::Changes(who) => {
            let changes = admin
                .admin_user_changes()
                .tid(who.tenant.as_str())
                .id(who.user.as_str())
                .send()
                .await?
                .into_inner();
            match format {
                OutputFormat::Json => output::record(format, &changes),
                OutputFormat::Table => output::rows(
                    ["TIME", "FROM", "TO", "CAUSE", "DECIDED BY"],
                    changes
                        .value
                        .iter()
                        .map(|change| {
                            [
                                change.time.clone(),
                                change
                                    .from_availability
                                    .map_or_else(|| "-".to_owned(), |from| from.to_string()),
                                format!("{}/{}", change.availability, change.activity),
                                change.cause.clone(),
                                change.decided_by.clone(),
                            ]
                        })
                        .collect(),
                ),
            }
        }
        AdminCommand::Clock { advance: None } => {
            let reading = admin.admin_read_clock().send().await?.into_inner();
            output::record(format, &reading);
        }
        AdminCommand::Clock {
            advance: Some(by), ..
        } => {
            let reading = admin
                .admin_advance_clock()
                .body(ClockAdvance { by: to_iso(by) })
                .send()
                .await?
                .into_inner();
            output::record(format, &reading);
        }
    }
    Ok(())
}
