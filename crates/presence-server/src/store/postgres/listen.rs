//! How instances learn about each other's changes: every write to a user sends a NOTIFY on
//! [`CHANNEL`] in its transaction (PostgreSQL delivers it at commit, and not at all on
//! rollback), and every instance LISTENs and forwards what it hears to its own live streams.
//! An instance's own changes come back the same way, so streams see one ordering.
//!
//! The same notifications keep the instance's memory of users' state exact: each one
//! forgets the user it names (an empty one, everyone), and the read fence
//! ([`super::fence`]) travels on the same connection.
//!
//! Notifications are not durable: while the listening connection reconnects, changes are
//! missed. The memory is then emptied and reads ask the database until a fence proves the
//! connection is back; streams re-read their users every second anyway.

use std::sync::Arc;

use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use tokio::sync::broadcast;

use super::fence::Fence;
use crate::store::state_cache::StateCache;

use crate::store::decode::{FIELD, RECORD};
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

/// The payloads naming the changes of many users: [`payload`]s joined by a record separator,
/// as few as fit PostgreSQL's limit. One notification per batch rather than per user: each
/// one is a message every instance's listening connection receives and parses.
pub fn payloads<'a>(
    changes: impl IntoIterator<Item = (&'a UserKey, Option<Cause>)>,
) -> Vec<String> {
    let mut payloads: Vec<String> = Vec::new();
    for (user, cause) in changes {
        let one = payload(user, cause);
        match payloads.last_mut() {
            Some(last)
                if !one.is_empty()
                    && !last.is_empty()
                    && last.len() + 1 + one.len() <= MAX_PAYLOAD =>
            {
                last.push(RECORD);
                last.push_str(&one);
            }
            _ => payloads.push(one),
        }
    }
    payloads
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

/// Starts listening (before returning, so no change committed after `open` is missed):
/// forgets each changed user's state in `cache`, forwards every change to `changes`, and
/// passes this instance's fences ([`super::fence`]). A lost connection is reported to the
/// fence (which empties the memory: what was sent meanwhile is gone), then re-established.
pub async fn spawn(
    pool: &PgPool,
    changes: broadcast::Sender<Change>,
    cache: Arc<StateCache>,
    fence: Arc<Fence>,
) -> Result<tokio::task::JoinHandle<()>, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener
        .listen_all([CHANNEL, super::fence::CHANNEL])
        .await?;
    Ok(tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) if notification.channel() == super::fence::CHANNEL => {
                    fence.arrived(notification.payload(), &cache);
                }
                Ok(Some(notification)) => {
                    for record in notification.payload().split(RECORD) {
                        match parse(record) {
                            Some(change) => {
                                cache.invalidate(&change.user.tenant, &change.user.user);
                                let _ = changes.send(change);
                            }
                            // A change of users the payload does not name (a reset of a
                            // tenant or of everything, a payload too long to send): forget
                            // everyone.
                            None => cache.invalidate_all(),
                        }
                    }
                }
                Ok(None) => {
                    tracing::warn!("the connection listening for changes was lost; reconnecting");
                    fence.lost(&cache);
                }
                Err(error) => {
                    fence.lost(&cache);
                    tracing::warn!(%error, "listening for other instances' changes failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    }))
}

/// Sends the notification that users the payload cannot name changed (a reset of a tenant
/// or of everything): every instance forgets every user's state in memory.
pub async fn notify_everyone(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, '')::text")
        .bind(CHANNEL)
        .execute(conn)
        .await
        .map(drop)
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

    #[test]
    fn many_changes_share_payloads_within_the_limit() {
        let users: Vec<UserKey> = (0..500)
            .map(|n| UserKey {
                tenant: "tenant".into(),
                user: format!("user-{n:040}"),
            })
            .collect();
        let payloads = payloads(users.iter().map(|user| (user, Some(Cause::TeamsClient))));
        assert!(payloads.len() > 1, "500 changes do not fit one payload");
        assert!(payloads.iter().all(|p| p.len() <= MAX_PAYLOAD));
        let heard: Vec<Change> = payloads
            .iter()
            .flat_map(|p| p.split(RECORD).map(parse))
            .map(|change| change.expect("each record names a user"))
            .collect();
        assert_eq!(heard.len(), users.len());
        assert!(
            heard
                .iter()
                .zip(&users)
                .all(|(change, user)| change.user == *user
                    && change.cause == Some(Cause::TeamsClient))
        );
        let long = UserKey {
            tenant: "t".into(),
            user: "u".repeat(MAX_PAYLOAD),
        };
        assert_eq!(
            payloads_of(&[&users[0], &long, &users[1]]),
            3,
            "a change too long to name is sent alone, empty"
        );
    }

    fn payloads_of(users: &[&UserKey]) -> usize {
        payloads(users.iter().map(|user| (*user, None))).len()
    }
}
