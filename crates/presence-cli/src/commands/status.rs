//! `status set` and `status clear`.

use presence_client::types::{
    BodyType, DateTimeTimeZone, ItemBody, PresenceStatusMessage, SetStatusMessageRequest,
};

use crate::cli::StatusCommand;
use crate::connection::Connection;
use crate::failure::Failure;

pub async fn run(connection: &Connection, command: StatusCommand) -> Result<(), Failure> {
    let (user, body) = match command {
        StatusCommand::Set {
            user,
            message,
            expires,
            time_zone,
        } => {
            let status = PresenceStatusMessage {
                message: Some(ItemBody {
                    content: Some(message),
                    content_type: Some(BodyType::Text),
                }),
                expiry_date_time: expires.map(|date_time| DateTimeTimeZone {
                    date_time,
                    time_zone,
                }),
                published_date_time: None,
            };
            (
                user,
                SetStatusMessageRequest {
                    status_message: Some(status),
                },
            )
        }
        StatusCommand::Clear { user } => (
            user,
            SetStatusMessageRequest {
                status_message: None,
            },
        ),
    };
    let user = connection.user(&user)?;
    connection
        .client
        .set_status_message()
        .id(user)
        .body(body)
        .send()
        .await?;
    Ok(())
}
