//! `admin client`, `admin out-of-office`, `admin calendar`: what Teams and Outlook produce.

use presence_client::types::{AutomaticRepliesSetting, CalendarEvent, ClientSession};

use crate::cli::{CalendarCommand, ClientCommand, OutOfOfficeArgs, OutputFormat};
use crate::connection::Connection;
use crate::duration::to_iso;
use crate::failure::Failure;
use crate::output;

pub async fn client(connection: &Connection, command: ClientCommand) -> Result<(), Failure> {
    let admin = &connection.admin;
    match command {
        ClientCommand::Set {
            who,
            client,
            availability,
            activity,
            lifetime,
        } => {
            admin
                .admin_put_client_session()
                .tid(who.tenant)
                .id(connection.user(&who.user)?)
                .client_id(client)
                .body(ClientSession {
                    availability,
                    activity,
                    expiration_duration: lifetime.map(to_iso),
                })
                .send()
                .await?;
        }
        ClientCommand::Remove { who, client } => {
            admin
                .admin_delete_client_session()
                .tid(who.tenant)
                .id(connection.user(&who.user)?)
                .client_id(client)
                .send()
                .await?;
        }
    }
    Ok(())
}

pub async fn out_of_office(connection: &Connection, args: OutOfOfficeArgs) -> Result<(), Failure> {
    connection
        .admin
        .admin_set_out_of_office()
        .tid(args.who.tenant)
        .id(connection.user(&args.who.user)?)
        .body(AutomaticRepliesSetting {
            is_out_of_office: !args.off,
            message: args.message,
            start: args.from,
            end: args.until,
        })
        .send()
        .await?;
    Ok(())
}

pub async fn calendar(
    connection: &Connection,
    command: CalendarCommand,
    format: OutputFormat,
) -> Result<(), Failure> {
    let admin = &connection.admin;
    match command {
        CalendarCommand::Add {
            who,
            start,
            end,
            show_as,
            subject,
        } => {
            let entry = admin
                .admin_add_calendar_entry()
                .tid(who.tenant)
                .id(connection.user(&who.user)?)
                .body(CalendarEvent {
                    id: None,
                    start,
                    end,
                    show_as,
                    subject,
                })
                .send()
                .await?;
            output::record(format, &entry.into_inner());
        }
        CalendarCommand::List { who } => {
            let entries = admin
                .admin_list_calendar_entries()
                .tid(who.tenant)
                .id(connection.user(&who.user)?)
                .send()
                .await?;
            output::record(format, &entries.into_inner());
        }
        CalendarCommand::Remove { who, id } => {
            admin
                .admin_delete_calendar_entry()
                .tid(who.tenant)
                .id(connection.user(&who.user)?)
                .entry_id(id)
                .send()
                .await?;
        }
    }
    Ok(())
}
