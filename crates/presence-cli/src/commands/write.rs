//! `set`, `clear`, `prefer`, `unprefer`.

use presence_client::types::{
    ClearPresenceRequest, SetPresenceRequest, SetUserPreferredPresenceRequest,
};

use crate::cli::{PreferArgs, SetArgs};
use crate::connection::Connection;
use crate::duration::to_iso;
use crate::failure::Failure;

pub async fn set(connection: &Connection, args: SetArgs) -> Result<(), Failure> {
    let user = connection.user(&args.user)?;
    let body = SetPresenceRequest {
        session_id: args.session,
        availability: args.availability,
        activity: args.activity,
        expiration_duration: args.lifetime.map(to_iso),
    };
    connection
        .client
        .set_presence()
        .id(user)
        .body(body)
        .send()
        .await?;
    Ok(())
}

pub async fn clear(
    connection: &Connection,
    user: &str,
    session: Option<String>,
) -> Result<(), Failure> {
    let user = connection.user(user)?;
    let body = ClearPresenceRequest {
        session_id: session,
    };
    connection
        .client
        .clear_presence()
        .id(user)
        .body(body)
        .send()
        .await?;
    Ok(())
}

pub async fn prefer(connection: &Connection, args: PreferArgs) -> Result<(), Failure> {
    let user = connection.user(&args.user)?;
    let body = SetUserPreferredPresenceRequest {
        availability: args.availability,
        activity: args.activity,
        expiration_duration: args.lifetime.map(to_iso),
    };
    connection
        .client
        .set_user_preferred_presence()
        .id(user)
        .body(body)
        .send()
        .await?;
    Ok(())
}

pub async fn unprefer(connection: &Connection, user: &str) -> Result<(), Failure> {
    let user = connection.user(user)?;
    connection
        .client
        .clear_user_preferred_presence()
        .id(user)
        .send()
        .await?;
    Ok(())
}
