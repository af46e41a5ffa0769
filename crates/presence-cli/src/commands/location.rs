//! `location set` and `location clear`.

use presence_client::types::SetLocationRequest;

use crate::cli::LocationCommand;
use crate::connection::Connection;
use crate::failure::Failure;

pub async fn run(connection: &Connection, command: LocationCommand) -> Result<(), Failure> {
    let client = &connection.client;
    match command {
        LocationCommand::Set {
            user,
            kind,
            place,
            automatic,
        } => {
            let user = connection.user(&user)?;
            let body = SetLocationRequest {
                work_location_type: kind.into(),
                place_id: place,
            };
            if automatic {
                client
                    .set_automatic_location()
                    .id(user)
                    .body(body)
                    .send()
                    .await?;
            } else {
                client
                    .set_manual_location()
                    .id(user)
                    .body(body)
                    .send()
                    .await?;
            }
        }
        LocationCommand::Clear { user, automatic } => {
            let user = connection.user(&user)?;
            if automatic {
                client.clear_automatic_location().id(user).send().await?;
            } else {
                client.clear_location().id(user).send().await?;
            }
        }
    }
    Ok(())
}
