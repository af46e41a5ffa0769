//! `get` and `batch`.

use std::io::BufRead;

use presence_client::types::GetPresencesByUserIdRequest;
use presence_model::Presence;

use crate::cli::OutputFormat;
use crate::connection::Connection;
use crate::failure::Failure;
use crate::output;

/// One user: GET presence; several: one getPresencesByUserId.
pub async fn get(
    connection: &Connection,
    users: &[String],
    format: OutputFormat,
) -> Result<(), Failure> {
    if let [user] = users {
        let presence = read_one(connection, user).await?;
        output::presences(format, &[presence], true);
        Ok(())
    } else {
        let presences = read_many(connection, users).await?;
        output::presences(format, &presences, false);
        Ok(())
    }
}

/// Ids from the arguments, or from standard input (one per line) when there are none.
pub async fn batch(
    connection: &Connection,
    users: Vec<String>,
    format: OutputFormat,
) -> Result<(), Failure> {
    let users = if users.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .map(|line| line.trim().to_owned())
            .filter(|line| !line.is_empty())
            .collect()
    } else {
        users
    };
    if users.is_empty() {
        return Err(Failure::usage(
            "no user ids given (arguments or standard input)",
        ));
    }
    let presences = read_many(connection, &users).await?;
    output::presences(format, &presences, false);
    Ok(())
}

pub async fn read_one(connection: &Connection, user: &str) -> Result<Presence, Failure> {
    let user = connection.user(user)?;
    Ok(connection
        .client
        .get_presence()
        .id(user)
        .send()
        .await?
        .into_inner())
}

pub async fn read_many(
    connection: &Connection,
    users: &[String],
) -> Result<Vec<Presence>, Failure> {
    let ids = users
        .iter()
        .map(|user| connection.user(user))
        .collect::<Result<Vec<_>, _>>()?;
    let answer = connection
        .client
        .get_presences_by_user_id()
        .body(GetPresencesByUserIdRequest { ids })
        .send()
        .await?;
    Ok(answer.into_inner().value)
}
