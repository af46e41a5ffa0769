//! How instances learn about each other's changes: every write to a user sends a NOTIFY on
//! [`CHANNEL`] in its transaction (PostgreSQL delivers it at commit, and not at all on
//! rollback), and every instance LISTENs and forwards what it hears to its own live streams.
//! An instance's own changes come back the same way, so streams see one ordering.
//!
//! Notifications are not durable: while the listening connection reconnects, changes are
//! missed. Streams re-read their users every second anyway, so they catch up within it.

use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use tokio::sync::broadcast;

use crate::store::decode::FIELD;
use crate::store::{Cause, Change, UserKey};

/// The NOTIFY channel of presence changes.
pub const CHANNEL: &str = "presence_changes";

/// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD: usize = 7999;

/// The payload naming `user` and why it changed: tenant, user id and (when not a Graph call)
/// the cause, separated by a control character (ids may not contain one). Empty, and ignored
/// by listeners, if too long to send; streams then see the change at their next re-read.
pub fn payload(user: &UserKey, cause: Option<Cause>) -> String {
    let mut payload = format!("{}{FIELD}{}", user.tenant, user.user);
    if let Some(cause) = cause {
        payload.push(FIELD);
        payload.push_str(cause.as_str());
    }
    if payload.len() > MAX_PAYLOAD {
        String::new()
    } else {
        payload
    }
}

/// Sends the change notification for `user`, and why (at the commit of `conn`'s transaction).
pub async fn notify(
    conn: &mut PgConnection,
    user: &UserKey,
    cause: Option<Cause>,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)::text")
        .bind(CHANNEL)
        .bind(payload(user, cause))
        .execute(conn)
        .await
        .map(drop)
}

/// Starts listening (before returning, so no change committed after `open` is missed) and
/// forwards every change to `changes`.
pub async fn spawn(
    pool: &PgPool,
    changes: broadcast::Sender<Change>,
) -> Result<tokio::task::JoinHandle<()>, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(tokio::spawn(async move {
        loop {
            match listener.recv().await {
                Ok(notification) => {
                    if let Some(change) = parse(notification.payload()) {
                        let _ = changes.send(change);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "listening for other instances' changes failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    }))
}

/// The change a [`payload`] names.
fn parse(payload: &str) -> Option<Change> {
    let mut fields = payload.split(FIELD);
    let (tenant, user) = (fields.next()?, fields.next()?);
    Some(Change {
        user: UserKey {
            tenant: tenant.to_owned(),
            user: user.to_owned(),
        },
        cause: fields.next().and_then(Cause::parse),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_carries_the_user_and_why_it_changed() {
        let user = UserKey {
            tenant: "t".into(),
            user: "u".into(),
        };
        for cause in [None, Some(Cause::TeamsClient), Some(Cause::Reset)] {
            assert_eq!(
                parse(&payload(&user, cause)),
                Some(Change {
                    user: user.clone(),
                    cause
                })
            );
        }
        assert_eq!(parse(""), None, "a payload too long to send is empty");
    }
}
