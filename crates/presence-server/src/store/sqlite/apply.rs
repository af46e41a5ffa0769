//! The SQL of each [`Write`] on SQLite. Runs inside the writer's shared transaction, so
//! nothing here needs locks: the single writer is the only one writing.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::SqliteConnection;

use super::subscriptions as own_subscriptions;
use crate::engine::Session;
use crate::store::codec::{stored_session_id, to_millis};
use crate::store::shared::identities::sqlite as identities;
use crate::store::shared::outbox::sqlite as outbox;
use crate::store::shared::outlook::sqlite as outlook;
use crate::store::shared::presence::sqlite as presence;
use crate::store::shared::reset::sqlite as reset;
use crate::store::shared::subscriptions::sqlite as subscriptions;
use crate::store::{UserKey, Write, Written};

/// Runs the write's statements on `conn` (inside the caller's transaction), and, when it
/// changed a user's presence and subscriptions may exist, writes the notifications its
/// subscribers are owed in the same transaction.
pub(super) async fn apply(
    write: &Write,
    conn: &mut SqliteConnection,
    subscriptions_may_exist: bool,
) -> Result<Written, sqlx::Error> {
    if let Write::Import {
        writes,
        notify,
        users,
        now,
    } = write
    {
        for write in writes {
            apply_one(write, conn, subscriptions_may_exist && *notify).await?;
        }
        if !notify && subscriptions_may_exist {
            for user in users {
                own_subscriptions::mark_announced(conn, user, *now).await?;
            }
        }
        return Ok(Written::Done);
    }
    apply_one(write, conn, subscriptions_may_exist).await
}

/// [`apply`] for any write but an import.
async fn apply_one(
    write: &Write,
    conn: &mut SqliteConnection,
    subscriptions_may_exist: bool,
) -> Result<Written, sqlx::Error> {
    let written = apply_change(write, conn).await?;
    if subscriptions_may_exist && let Some((user, now)) = write.changed_user(written) {
        own_subscriptions::announce(conn, user, now).await?;
    }
    Ok(written)
}

async fn apply_change(write: &Write, conn: &mut SqliteConnection) -> Result<Written, sqlx::Error> {
    match write {
        Write::PutSession { user, session } => {
            put_session(conn, user, session).await?;
            touch(conn, user, session.refreshed_at).await?;
            Ok(Written::Done)
        }
        Write::RemoveSession {
            user,
            session_id,
            kind,
            now,
        } => {
            let removed =
                presence::remove_session(conn, user, &stored_session_id(session_id, *kind), *now)
                    .await?;
            if removed {
                touch(conn, user, *now).await?;
            }
            Ok(Written::SessionRemoved(removed))
        }
        Write::SetPreferred {
            user,
            preferred,
            now,
        } => {
            touch(conn, user, *now).await?;
            presence::set_preferred(conn, user, *preferred).await?;
            Ok(Written::Done)
        }
        Write::SetStatusMessage { user, message, now } => {
            touch(conn, user, *now).await?;
            presence::set_status_message(conn, user, message.as_ref()).await?;
            Ok(Written::Done)
        }
        Write::SetLocation {
            user,
            layer,
            location,
            now,
        } => {
            touch(conn, user, *now).await?;
            presence::set_location(conn, user, *layer, location.as_ref()).await?;
            Ok(Written::Done)
        }
        Write::PurgeExpired { .. } | Write::PurgeSessions { .. } => {
            let users = purge(write, conn).await?.unwrap_or_default();
            Ok(Written::Purged(
                u32::try_from(users.len()).unwrap_or(u32::MAX),
            ))
        }
        Write::Reset { target, now } => reset::reset(conn, target, *now).await,
        Write::SetAutomaticReplies { user, replies, now } => {
            touch(conn, user, *now).await?;
            outlook::set_replies(conn, user, replies.as_ref()).await?;
            Ok(Written::Done)
        }
        Write::AddCalendarEntry { user, entry, now } => {
            touch(conn, user, *now).await?;
            outlook::add_entry(conn, user, entry).await?;
            Ok(Written::Done)
        }
        Write::RemoveCalendarEntry {
            user,
            entry_id,
            now,
        } => {
            let removed = outlook::remove_entry(conn, user, entry_id).await?;
            if removed {
                touch(conn, user, *now).await?;
            }
            Ok(Written::Found(removed))
        }
        Write::CreateSubscription {
            record,
            users,
            now,
            one_per_creator,
        } => {
            if *one_per_creator && subscriptions::creator_has_one(conn, record, *now).await? {
                return Ok(Written::Exists);
            }
            own_subscriptions::create(conn, record, users, *now).await?;
            Ok(Written::Done)
        }
        Write::UpdateSubscription {
            tenant,
            id,
            expires_at,
            notification_url,
            access_expires_at,
            now,
        } => subscriptions::renew(
            conn,
            (tenant, id),
            *expires_at,
            notification_url.as_deref(),
            *access_expires_at,
            *now,
        )
        .await
        .map(Written::Found),
        Write::Reauthorize {
            tenant,
            id,
            access_expires_at,
            now,
        } => subscriptions::renew(conn, (tenant, id), None, None, *access_expires_at, *now)
            .await
            .map(Written::Found),
        Write::PutIdentities {
            applications,
            users,
        } => {
            identities::put(conn, applications, users).await?;
            Ok(Written::Done)
        }
        Write::DeleteIdentity {
            tenant,
            id,
            application,
        } => identities::delete(conn, tenant, id, *application)
            .await
            .map(Written::Found),
        Write::AddSigningKey { kid, pem, now } => {
            super::signing_keys::add(conn, kid, pem, *now).await?;
            Ok(Written::Done)
        }
        Write::MarkReauthorizationSent { id } => subscriptions::mark_reauthorization_sent(conn, id)
            .await
            .map(Written::Found),
        Write::DeleteSubscription { tenant, id } => {
            subscriptions::delete_subscription(conn, tenant, id)
                .await
                .map(Written::Found)
        }
        Write::DropExpiredSubscriptions { now } => {
            subscriptions::drop_expired(conn, *now).await?;
            Ok(Written::Done)
        }
        Write::Announce { .. } => Ok(Written::Done),
        Write::Import { .. } => Err(sqlx::Error::Protocol("imports do not nest".into())),
        Write::Lease {
            outbox_ids,
            due,
            until,
        } => {
            let ids =
                serde_json::to_string(outbox_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            sqlx::query(
                "UPDATE notification_outbox SET next_attempt_at = ? \
                 WHERE id IN (SELECT value FROM json_each(?)) AND next_attempt_at <= ?",
            )
            .bind(to_millis(*until))
            .bind(ids)
            .bind(to_millis(*due))
            .execute(conn)
            .await?;
            Ok(Written::Done)
        }
        Write::Delivered { outbox_id } => {
            outbox::remove_notification(conn, *outbox_id).await?;
            Ok(Written::Done)
        }
        Write::DeliveryFailed {
            outbox_id,
            retry_at,
        } => {
            outbox::delivery_failed(conn, *outbox_id, *retry_at).await?;
            Ok(Written::Done)
        }
        Write::ClearLocation { user, now } => {
            touch(conn, user, *now).await?;
            presence::clear_location(conn, user).await?;
            Ok(Written::Done)
        }
    }
}

async fn put_session(
    conn: &mut SqliteConnection,
    user: &UserKey,
    session: &Session,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO presence_sessions \
           (tenant_id, user_id, session_id, availability, activity, refreshed_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (tenant_id, user_id, session_id) DO UPDATE SET \
           availability = excluded.availability, activity = excluded.activity, \
           refreshed_at = excluded.refreshed_at, expires_at = excluded.expires_at",
    )
    .bind(&user.tenant)
    .bind(&user.user)
    .bind(stored_session_id(&session.session_id, session.kind))
    .bind(session.availability.as_str())
    .bind(session.activity.as_str())
    .bind(to_millis(session.refreshed_at))
    .bind(to_millis(session.expires_at))
    .execute(conn)
    .await
    .map(drop)
}

/// Most rows in one multi-row statement (seven parameters each, far below SQLite's limit).
const ROWS_PER_STATEMENT: usize = 1000;

/// Several `PutSession` writes at once, in the order given: one statement for their
/// sessions and one for their users' rows, instead of two per write. The rows end up as
/// applying them one after the other leaves them (SQLite runs a multi-row upsert row by row,
/// so a user named twice gets `changed_at` bumped twice). Only for when no subscription may
/// exist: then a session write owes nobody a notification.
pub(super) async fn put_sessions(
    conn: &mut SqliteConnection,
    puts: &[(&UserKey, &Session)],
) -> Result<(), sqlx::Error> {
    for chunk in puts.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<SessionRow<'_>> = chunk
            .iter()
            .map(|(user, session)| {
                (
                    user.tenant.as_str(),
                    user.user.as_str(),
                    stored_session_id(&session.session_id, session.kind),
                    session.availability.as_str(),
                    session.activity.as_str(),
                    to_millis(session.refreshed_at),
                    to_millis(session.expires_at),
                )
            })
            .collect();
        let rows = serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(PUT_SESSIONS)
            .bind(rows)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// One session's row as [`PUT_SESSIONS`] reads it from its JSON array.
type SessionRow<'a> = (
    &'a str,
    &'a str,
    std::borrow::Cow<'a, str>,
    &'a str,
    &'a str,
    i64,
    i64,
);

/// Both statements of a run of puts, over one JSON array of [`SessionRow`]s bound once:
/// one text, prepared once and cached, whatever the run's length (a `VALUES` list per
/// length filled the connection's statement cache), and one trip to SQLite's thread for
/// both. `WHERE true` is SQLite's required disambiguation of `SELECT … ON CONFLICT`.
const PUT_SESSIONS: &str = "\
    INSERT INTO presence_sessions \
      (tenant_id, user_id, session_id, availability, activity, refreshed_at, expires_at) \
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, \
      value ->> 6 \
    FROM json_each(?1) WHERE true \
    ON CONFLICT (tenant_id, user_id, session_id) DO UPDATE SET \
      availability = excluded.availability, activity = excluded.activity, \
      refreshed_at = excluded.refreshed_at, expires_at = excluded.expires_at; \
    INSERT INTO presence_users (tenant_id, user_id, changed_at) \
    SELECT value ->> 0, value ->> 1, value ->> 5 FROM json_each(?1) WHERE true \
    ON CONFLICT (tenant_id, user_id) DO UPDATE SET \
      changed_at = MAX(excluded.changed_at, presence_users.changed_at + 1)";

/// One `RemoveSession` of a run applied together ([`remove_sessions`]).
pub(super) struct Removal<'a> {
    pub user: &'a UserKey,
    pub stored_id: std::borrow::Cow<'a, str>,
    pub now: Timestamp,
}

/// Applies a run of removals as [`remove_session`] and [`touch`] would one after the other,
/// in two statements per chunk: whether each removed a session still live at its `now`.
/// Of two removals of the same session in a run, the first removes it.
pub(super) async fn remove_sessions(
    conn: &mut SqliteConnection,
    removals: &[Removal<'_>],
) -> Result<Vec<bool>, sqlx::Error> {
    let mut live = Vec::with_capacity(removals.len());
    for chunk in removals.chunks(ROWS_PER_STATEMENT) {
        let mut delete = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "DELETE FROM presence_sessions WHERE (tenant_id, user_id, session_id) IN (",
        );
        delete.push_values(chunk, |mut row, removal| {
            row.push_bind(removal.user.tenant.as_str())
                .push_bind(removal.user.user.as_str())
                .push_bind(removal.stored_id.as_ref());
        });
        delete.push(") RETURNING tenant_id, user_id, session_id, expires_at");
        let deleted: Vec<(String, String, String, i64)> =
            delete.build_query_as().fetch_all(&mut *conn).await?;
        let mut deleted: HashMap<(String, String, String), i64> = deleted
            .into_iter()
            .map(|(tenant, user, session, expires_at)| ((tenant, user, session), expires_at))
            .collect();
        let first = live.len();
        for removal in chunk {
            let key = (
                removal.user.tenant.clone(),
                removal.user.user.clone(),
                removal.stored_id.clone().into_owned(),
            );
            let expires_at = deleted.remove(&key);
            live.push(expires_at.is_some_and(|at| at > to_millis(removal.now)));
        }
        let touched: Vec<&Removal<'_>> = chunk
            .iter()
            .zip(&live[first..])
            .filter_map(|(removal, live)| live.then_some(removal))
            .collect();
        if touched.is_empty() {
            continue;
        }
        let mut users = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO presence_users (tenant_id, user_id, changed_at) ",
        );
        users.push_values(touched, |mut row, removal| {
            row.push_bind(removal.user.tenant.as_str())
                .push_bind(removal.user.user.as_str())
                .push_bind(to_millis(removal.now));
        });
        users.push(
            " ON CONFLICT (tenant_id, user_id) DO UPDATE SET \
               changed_at = MAX(excluded.changed_at, presence_users.changed_at + 1)",
        );
        users.build().execute(&mut *conn).await?;
    }
    Ok(live)
}

/// Creates the user's row if needed and records a change at `now`, keeping `changed_at`
/// strictly increasing even when two writes share a millisecond or the clock steps back.
async fn touch(
    conn: &mut SqliteConnection,
    user: &UserKey,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO presence_users (tenant_id, user_id, changed_at) VALUES (?, ?, ?) \
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET \
           changed_at = MAX(excluded.changed_at, presence_users.changed_at + 1)",
    )
    .bind(&user.tenant)
    .bind(&user.user)
    .bind(to_millis(now))
    .execute(conn)
    .await
    .map(drop)
}

/// Performs `write` if it is a purge: the user of each session deleted (what the writer
/// invalidates), or `None` for any other write.
pub(super) async fn purge(
    write: &Write,
    conn: &mut SqliteConnection,
) -> Result<Option<Vec<UserKey>>, sqlx::Error> {
    let found;
    let (now, sessions) = match write {
        Write::PurgeExpired { now, limit } => {
            found = super::read::expired_sessions(&mut *conn, *now, *limit).await?;
            (*now, &found)
        }
        Write::PurgeSessions { now, sessions } => (*now, sessions),
        _ => return Ok(None),
    };
    purge_sessions(conn, now, sessions).await.map(Some)
}

/// Deletes each of `sessions` (user, stored id) that expired at or before `now` (one
/// refreshed since it was found stays), and records each expiry as a change of its user
/// (`changed_at`), so `sequenceNumber` never goes back when the session it was derived from
/// disappears.
async fn purge_sessions(
    conn: &mut SqliteConnection,
    now: Timestamp,
    sessions: &[(UserKey, String)],
) -> Result<Vec<UserKey>, sqlx::Error> {
    let mut purged = Vec::new();
    for (user, session_id) in sessions {
        let expired_at: Option<i64> = sqlx::query_scalar(
            "DELETE FROM presence_sessions WHERE tenant_id = ? AND user_id = ? \
               AND session_id = ? AND expires_at <= ? RETURNING expires_at",
        )
        .bind(&user.tenant)
        .bind(&user.user)
        .bind(session_id)
        .bind(to_millis(now))
        .fetch_optional(&mut *conn)
        .await?;
        let Some(expired_at) = expired_at else {
            continue;
        };
        sqlx::query(
            "UPDATE presence_users SET changed_at = MAX(changed_at, ?) \
             WHERE tenant_id = ? AND user_id = ?",
        )
        .bind(expired_at)
        .bind(&user.tenant)
        .bind(&user.user)
        .execute(&mut *conn)
        .await?;
        purged.push(user.clone());
    }
    Ok(purged)
}

/// Rewrites the one row of `write_probe` (with its 64 KiB, about what a full batch of
/// writes needs): a write that needs the disk like any other and changes nothing anyone
/// reads (the writer's health probe, and the check at start that the database takes writes
/// at all).
pub(super) async fn probe(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO write_probe (id, probed_at, room) VALUES (1, ?, zeroblob(65536)) \
         ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at, room = excluded.room",
    )
    .bind(jiff::Timestamp::now().as_millisecond())
    .execute(conn)
    .await
    .map(drop)
}
