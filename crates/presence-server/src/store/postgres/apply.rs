//! The SQL of each [`Write`] on PostgreSQL, where several server instances write at once.
//!
//! Each write is its own transaction (the caller's), or a single statement. Every write to a
//! user locks the user's `presence_users` row before anything else ([`touch`], [`lock_user`]),
//! so the writes to one user are serialised across instances in one lock order (user, then
//! sessions) and each sees the previous one committed: `changed_at` strictly increases, a
//! cleared session cannot come back from a write that started before the clear, and
//! announcements are decided on the latest state. Writes to different users do not wait for
//! each other.

use jiff::Timestamp;
use sqlx::PgConnection;

use super::listen;
use super::reset;
use super::subscriptions as own_subscriptions;
use crate::engine::Session;
use crate::store::codec::{stored_session_id, to_millis};
use crate::store::shared::identities::postgres as identities;
use crate::store::shared::outbox::postgres as outbox;
use crate::store::shared::outlook::postgres as outlook;
use crate::store::shared::presence::postgres as presence;
use crate::store::shared::subscriptions::postgres as subscriptions;
use crate::store::{Cause, UserKey, Write, Written};

/// Runs the write's statements on `conn` (inside the caller's transaction, or alone when the
/// write is a single statement: see [`is_one_statement`]). Also answers whether a
/// subscription follows the user whose presence it may have changed: the caller then
/// announces the change ([`announce`]).
pub(super) async fn apply(
    write: &Write,
    conn: &mut PgConnection,
) -> Result<(Written, bool), sqlx::Error> {
    if let Write::Import {
        writes,
        notify,
        users,
        now,
    } = write
    {
        for write in writes {
            let (written, followed) = apply_one(write, conn, Some(Cause::Import)).await?;
            if *notify
                && followed
                && let Some((user, at)) = write.changed_user(written)
            {
                announce(conn, user, at).await?;
            }
        }
        if !notify {
            for user in users {
                own_subscriptions::mark_announced(conn, user, *now).await?;
            }
        }
        return Ok((Written::Done, false));
    }
    apply_one(write, conn, write.cause()).await
}

/// [`apply`] for any write but an import. `cause` is carried with the change to every
/// instance (the NOTIFY payload).
async fn apply_one(
    write: &Write,
    conn: &mut PgConnection,
    cause: Option<Cause>,
) -> Result<(Written, bool), sqlx::Error> {
    match write {
        Write::PutSession { user, session } => {
            let followed = put_session(conn, user, session, cause).await?;
            Ok((Written::Done, followed))
        }
        Write::RemoveSession {
            user,
            session_id,
            kind,
            now,
        } => {
            if !lock_user(conn, user).await? {
                return Ok((Written::SessionRemoved(false), false));
            }
            let stored = stored_session_id(session_id, *kind);
            let removed = presence::remove_session(conn, user, &stored, *now).await?;
            let followed = removed && touch(conn, user, *now, cause).await?;
            Ok((Written::SessionRemoved(removed), followed))
        }
        Write::SetPreferred {
            user,
            preferred,
            now,
        } => {
            let followed = touch(conn, user, *now, cause).await?;
            presence::set_preferred(conn, user, *preferred).await?;
            Ok((Written::Done, followed))
        }
        Write::SetStatusMessage { user, message, now } => {
            touch(conn, user, *now, cause).await?;
            presence::set_status_message(conn, user, message.as_ref()).await?;
            Ok((Written::Done, false))
        }
        Write::SetLocation {
            user,
            layer,
            location,
            now,
        } => {
            touch(conn, user, *now, cause).await?;
            presence::set_location(conn, user, *layer, location.as_ref()).await?;
            Ok((Written::Done, false))
        }
        Write::ClearLocation { user, now } => {
            touch(conn, user, *now, cause).await?;
            presence::clear_location(conn, user).await?;
            Ok((Written::Done, false))
        }
        Write::Reset { target, now } => Ok((reset::reset(conn, target, *now).await?, false)),
        Write::SetAutomaticReplies { user, replies, now } => {
            let followed = touch(conn, user, *now, cause).await?;
            outlook::set_replies(conn, user, replies.as_ref()).await?;
            Ok((Written::Done, followed))
        }
        Write::AddCalendarEntry { user, entry, now } => {
            let followed = touch(conn, user, *now, cause).await?;
            outlook::add_entry(conn, user, entry).await?;
            Ok((Written::Done, followed))
        }
        Write::RemoveCalendarEntry {
            user,
            entry_id,
            now,
        } => {
            if !lock_user(conn, user).await? {
                return Ok((Written::Found(false), false));
            }
            let removed = outlook::remove_entry(conn, user, entry_id).await?;
            let followed = removed && touch(conn, user, *now, cause).await?;
            Ok((Written::Found(removed), followed))
        }
        Write::PurgeExpired { now, limit } => {
            let purged = purge_expired(conn, *now, *limit).await?;
            Ok((Written::Purged(purged), false))
        }
        Write::PurgeSessions { now, sessions } => {
            let purged = purge_sessions(conn, *now, sessions).await?;
            Ok((Written::Purged(purged), false))
        }
        Write::CreateSubscription {
            record,
            users,
            now,
            one_per_creator,
        } => {
            if *one_per_creator && own_subscriptions::creator_has_one(conn, record, *now).await? {
                return Ok((Written::Exists, false));
            }
            own_subscriptions::create(conn, record, users, *now).await?;
            Ok((Written::Done, false))
        }
        Write::UpdateSubscription {
            tenant,
            id,
            expires_at,
            notification_url,
            access_expires_at,
            now,
        } => {
            let found = subscriptions::renew(
                conn,
                (tenant, id),
                *expires_at,
                notification_url.as_deref(),
                *access_expires_at,
                *now,
            )
            .await?;
            Ok((Written::Found(found), false))
        }
        Write::Reauthorize {
            tenant,
            id,
            access_expires_at,
            now,
        } => {
            let found =
                subscriptions::renew(conn, (tenant, id), None, None, *access_expires_at, *now)
                    .await?;
            Ok((Written::Found(found), false))
        }
        Write::PutIdentities {
            applications,
            users,
        } => {
            identities::put(conn, applications, users).await?;
            Ok((Written::Done, false))
        }
        Write::DeleteIdentity {
            tenant,
            id,
            application,
        } => {
            let found = identities::delete(conn, tenant, id, *application).await?;
            Ok((Written::Found(found), false))
        }
        Write::AddSigningKey { kid, pem, now } => {
            super::signing_keys::add(conn, kid, pem, *now).await?;
            Ok((Written::Done, false))
        }
        Write::MarkReauthorizationSent { id } => {
            let marked = subscriptions::mark_reauthorization_sent(conn, id).await?;
            Ok((Written::Found(marked), false))
        }
        Write::DeleteSubscription { tenant, id } => {
            let deleted = subscriptions::delete_subscription(conn, tenant, id).await?;
            Ok((Written::Found(deleted), false))
        }
        Write::DropExpiredSubscriptions { now } => {
            subscriptions::drop_expired(conn, *now).await?;
            Ok((Written::Done, false))
        }
        Write::Import { .. } => Err(sqlx::Error::Protocol("imports do not nest".into())),
        Write::Announce { user, now } => {
            announce(conn, user, *now).await?;
            listen::notify(conn, user, None).await?;
            Ok((Written::Done, false))
        }
        // PostgreSQL's dispatcher claims and leases in one statement
        // (`PgStore::claim_due_notifications`) and never submits this; it means the same here.
        Write::Lease {
            outbox_ids,
            due,
            until,
        } => {
            sqlx::query(
                "UPDATE notification_outbox SET next_attempt_at = $1 \
                 WHERE id = ANY($2) AND next_attempt_at <= $3",
            )
            .bind(to_millis(*until))
            .bind(outbox_ids)
            .bind(to_millis(*due))
            .execute(conn)
            .await?;
            Ok((Written::Done, false))
        }
        Write::Delivered { outbox_id } => {
            outbox::remove_notification(conn, *outbox_id).await?;
            Ok((Written::Done, false))
        }
        Write::DeliveryFailed {
            outbox_id,
            retry_at,
        } => {
            outbox::delivery_failed(conn, *outbox_id, *retry_at).await?;
            Ok((Written::Done, false))
        }
    }
}

/// Whether `write` is one statement, which needs no transaction of its own.
pub(super) fn is_one_statement(write: &Write) -> bool {
    matches!(write, Write::PutSession { .. })
}

/// Writes the notifications owed for `user`'s presence at `now`, under the user's row lock:
/// instances announcing the same user take turns, and the later one finds the change already
/// announced. Run after a write to a followed user, in a transaction of its own; if the server
/// dies in between, the scanner finds the unannounced change within a scan.
pub(super) async fn announce(
    conn: &mut PgConnection,
    user: &UserKey,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    if lock_user(conn, user).await? {
        own_subscriptions::announce(conn, user, now).await?;
    }
    Ok(())
}

/// Creates the user's row if needed, locks it, and records a change at `now`, keeping
/// `changed_at` strictly increasing even when two writes share a millisecond or instances'
/// clocks disagree. The same statement tells the other instances (NOTIFY, delivered at
/// commit) and answers whether any subscription follows the user.
async fn touch(
    conn: &mut PgConnection,
    user: &UserKey,
    now: Timestamp,
    cause: Option<Cause>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "WITH touched AS ( \
           INSERT INTO presence_users (tenant_id, user_id, changed_at) VALUES ($1, $2, $3) \
           ON CONFLICT (tenant_id, user_id) DO UPDATE SET \
             changed_at = GREATEST(EXCLUDED.changed_at, presence_users.changed_at + 1) \
           RETURNING 1), \
         notified AS (SELECT pg_notify($4, $5)) \
         SELECT EXISTS (SELECT 1 FROM subscription_users WHERE tenant_id = $1 AND user_id = $2) \
         FROM touched, notified",
    )
    .bind(&user.tenant)
    .bind(&user.user)
    .bind(to_millis(now))
    .bind(listen::CHANNEL)
    .bind(listen::payload(user, cause))
    .fetch_one(conn)
    .await
}

/// Locks the user's row without changing it; false when the user has no row (and so no
/// state to change).
async fn lock_user(conn: &mut PgConnection, user: &UserKey) -> Result<bool, sqlx::Error> {
    let row: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM presence_users WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE",
    )
    .bind(&user.tenant)
    .bind(&user.user)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// [`touch`] and the session's upsert in one statement (one round trip for the most common
/// write): the upsert reads from the touch, so the user's row is locked first, as in every
/// other write. Answers whether any subscription follows the user.
async fn put_session(
    conn: &mut PgConnection,
    user: &UserKey,
    session: &Session,
    cause: Option<Cause>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "WITH touched AS ( \
           INSERT INTO presence_users (tenant_id, user_id, changed_at) VALUES ($1, $2, $3) \
           ON CONFLICT (tenant_id, user_id) DO UPDATE SET \
             changed_at = GREATEST(EXCLUDED.changed_at, presence_users.changed_at + 1) \
           RETURNING 1), \
         notified AS (SELECT pg_notify($4, $5)), \
         stored AS ( \
           INSERT INTO presence_sessions (tenant_id, user_id, session_id, availability, \
             activity, refreshed_at, expires_at) \
           SELECT $1, $2, $6, $7, $8, $3, $9 FROM touched \
           ON CONFLICT (tenant_id, user_id, session_id) DO UPDATE SET \
             availability = EXCLUDED.availability, activity = EXCLUDED.activity, \
             refreshed_at = EXCLUDED.refreshed_at, expires_at = EXCLUDED.expires_at \
           RETURNING 1) \
         SELECT EXISTS (SELECT 1 FROM subscription_users WHERE tenant_id = $1 AND user_id = $2) \
         FROM touched, notified, stored",
    )
    .bind(&user.tenant)
    .bind(&user.user)
    .bind(to_millis(session.refreshed_at))
    .bind(listen::CHANNEL)
    .bind(listen::payload(user, cause))
    .bind(stored_session_id(&session.session_id, session.kind))
    .bind(session.availability.as_str())
    .bind(session.activity.as_str())
    .bind(to_millis(session.expires_at))
    .fetch_one(conn)
    .await
}

/// A session write of a batch: the user, the session, and why.
type PutRow<'a> = (&'a UserKey, &'a Session, Option<Cause>);

/// A run of session writes to distinct users, gathered by the batcher
/// ([`batch`](super::batch)) to be written in one statement ([`Puts::flush`]).
#[derive(Default)]
pub(super) struct Puts<'a> {
    rows: Vec<PutRow<'a>>,
    /// Where each row's outcome goes among the batch's.
    slots: Vec<usize>,
}

impl<'a> Puts<'a> {
    /// The user of the last row gathered.
    pub(super) fn last_user(&self) -> Option<&'a UserKey> {
        self.rows.last().map(|row| row.0)
    }

    pub(super) fn push(
        &mut self,
        user: &'a UserKey,
        session: &'a Session,
        cause: Option<Cause>,
        slot: usize,
    ) {
        self.rows.push((user, session, cause));
        self.slots.push(slot);
    }

    /// Writes the rows gathered, each as [`put_session`] would, in one statement, and puts
    /// whether a subscription follows each row's user into its slot of `outcomes`.
    pub(super) async fn write(
        &self,
        conn: &mut PgConnection,
        outcomes: &mut [(Written, bool)],
    ) -> Result<(), sqlx::Error> {
        let followed = put_sessions(conn, &self.rows).await?;
        for (slot, followed) in self.slots.iter().zip(followed) {
            if let Some(outcome) = outcomes.get_mut(*slot) {
                *outcome = (Written::Done, followed);
            }
        }
        Ok(())
    }
}

/// [`put_session`] for many users at once (each at most once: one statement cannot update
/// a row twice), locking their rows in the order given. Answers, in that order, whether a
/// subscription follows each user.
async fn put_sessions<'a>(
    conn: &mut PgConnection,
    rows: &[PutRow<'a>],
) -> Result<Vec<bool>, sqlx::Error> {
    let text =
        |pick: fn(&PutRow<'a>) -> &'a str| -> Vec<&'a str> { rows.iter().map(pick).collect() };
    let sessions: Vec<_> = rows
        .iter()
        .map(|row| stored_session_id(&row.1.session_id, row.1.kind))
        .collect();
    let millis = |pick: fn(&Session) -> Timestamp| -> Vec<i64> {
        rows.iter().map(|row| to_millis(pick(row.1))).collect()
    };
    sqlx::query_scalar(
        "WITH input AS ( \
           SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], \
             $6::text[], $7::int8[]) WITH ORDINALITY \
             AS i(tenant_id, user_id, at, session_id, availability, activity, expires_at, n)), \
         touched AS ( \
           INSERT INTO presence_users (tenant_id, user_id, changed_at) \
           SELECT tenant_id, user_id, at FROM input ORDER BY n \
           ON CONFLICT (tenant_id, user_id) DO UPDATE SET \
             changed_at = GREATEST(EXCLUDED.changed_at, presence_users.changed_at + 1) \
           RETURNING tenant_id, user_id), \
         notified AS (SELECT pg_notify($8, payload) FROM unnest($9::text[]) AS payload), \
         stored AS ( \
           INSERT INTO presence_sessions (tenant_id, user_id, session_id, availability, \
             activity, refreshed_at, expires_at) \
           SELECT i.tenant_id, i.user_id, i.session_id, i.availability, i.activity, i.at, \
             i.expires_at \
           FROM input i JOIN touched t ON t.tenant_id = i.tenant_id AND t.user_id = i.user_id \
           ORDER BY i.n \
           ON CONFLICT (tenant_id, user_id, session_id) DO UPDATE SET \
             availability = EXCLUDED.availability, activity = EXCLUDED.activity, \
             refreshed_at = EXCLUDED.refreshed_at, expires_at = EXCLUDED.expires_at \
           RETURNING 1) \
         SELECT EXISTS (SELECT 1 FROM subscription_users s \
           WHERE s.tenant_id = i.tenant_id AND s.user_id = i.user_id) \
         FROM input i \
         WHERE (SELECT COUNT(*) FROM notified) >= 0 AND (SELECT COUNT(*) FROM stored) >= 0 \
         ORDER BY i.n",
    )
    .bind(text(|row| row.0.tenant.as_str()))
    .bind(text(|row| row.0.user.as_str()))
    .bind(millis(|session| session.refreshed_at))
    .bind(sessions.iter().map(AsRef::as_ref).collect::<Vec<&str>>())
    .bind(text(|row| row.1.availability.as_str()))
    .bind(text(|row| row.1.activity.as_str()))
    .bind(millis(|session| session.expires_at))
    .bind(listen::CHANNEL)
    .bind(listen::payloads(rows.iter().map(|row| (row.0, row.2))))
    .fetch_all(conn)
    .await
}

/// A session removal of a batch: the user, the stored session id, when, and why.
pub(super) type RemoveRow<'a> = (&'a UserKey, String, Timestamp, Option<Cause>);

/// A run of session removals of distinct users, gathered by the batcher
/// ([`batch`](super::batch)) to be applied in two statements ([`Removals::write`]) rather
/// than three per removal.
#[derive(Default)]
pub(super) struct Removals<'a> {
    rows: Vec<RemoveRow<'a>>,
    /// Where each row's outcome goes among the batch's.
    slots: Vec<usize>,
}

impl<'a> Removals<'a> {
    /// The user of the last row gathered.
    pub(super) fn last_user(&self) -> Option<&'a UserKey> {
        self.rows.last().map(|row| row.0)
    }

    pub(super) fn push(&mut self, row: RemoveRow<'a>, slot: usize) {
        self.rows.push(row);
        self.slots.push(slot);
    }

    /// Removes the sessions gathered, each as [`Write::RemoveSession`] alone would: the
    /// users' rows are locked (in the order given, users without one are left alone), the
    /// sessions deleted, and each user whose removed session was live touched and notified.
    /// Puts each outcome into its slot of `outcomes`.
    pub(super) async fn write(
        &self,
        conn: &mut PgConnection,
        outcomes: &mut [(Written, bool)],
    ) -> Result<(), sqlx::Error> {
        let tenants: Vec<&str> = self.rows.iter().map(|r| r.0.tenant.as_str()).collect();
        let users: Vec<&str> = self.rows.iter().map(|r| r.0.user.as_str()).collect();
        let sessions: Vec<&str> = self.rows.iter().map(|r| r.1.as_str()).collect();
        let deleted: Vec<(i64, i64)> = sqlx::query_as(
            "WITH input AS ( \
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY \
                 AS i(tenant_id, user_id, session_id, n)), \
             locked AS ( \
               SELECT u.tenant_id, u.user_id FROM presence_users u JOIN input i \
                 ON u.tenant_id = i.tenant_id AND u.user_id = i.user_id \
               ORDER BY i.n FOR UPDATE OF u) \
             DELETE FROM presence_sessions s USING input i, locked l \
             WHERE s.tenant_id = i.tenant_id AND s.user_id = i.user_id \
               AND s.session_id = i.session_id \
               AND l.tenant_id = i.tenant_id AND l.user_id = i.user_id \
             RETURNING i.n, s.expires_at",
        )
        .bind(&tenants)
        .bind(&users)
        .bind(&sessions)
        .fetch_all(&mut *conn)
        .await?;
        // Live: the session had not expired at the removal's `now` (`n` counts from 1).
        let mut live = vec![false; self.rows.len()];
        for (n, expires_at) in deleted {
            let index = usize::try_from(n - 1).unwrap_or(usize::MAX);
            if let (Some(place), Some(row)) = (live.get_mut(index), self.rows.get(index)) {
                *place = expires_at > to_millis(row.2);
            }
        }
        let touched: Vec<&RemoveRow<'_>> = self
            .rows
            .iter()
            .zip(&live)
            .filter_map(|(row, live)| live.then_some(row))
            .collect();
        let mut followed = Vec::new();
        if !touched.is_empty() {
            followed = sqlx::query_scalar(
                "WITH input AS ( \
                   SELECT * FROM unnest($1::text[], $2::text[], $3::int8[]) WITH ORDINALITY \
                     AS i(tenant_id, user_id, at, n)), \
                 touched AS ( \
                   UPDATE presence_users u \
                   SET changed_at = GREATEST(i.at, u.changed_at + 1) FROM input i \
                   WHERE u.tenant_id = i.tenant_id AND u.user_id = i.user_id RETURNING 1), \
                 notified AS (SELECT pg_notify($4, payload) FROM unnest($5::text[]) AS payload) \
                 SELECT EXISTS (SELECT 1 FROM subscription_users s \
                   WHERE s.tenant_id = i.tenant_id AND s.user_id = i.user_id) \
                 FROM input i \
                 WHERE (SELECT COUNT(*) FROM touched) >= 0 \
                   AND (SELECT COUNT(*) FROM notified) >= 0 \
                 ORDER BY i.n",
            )
            .bind(
                touched
                    .iter()
                    .map(|r| r.0.tenant.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                touched
                    .iter()
                    .map(|r| r.0.user.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(touched.iter().map(|r| to_millis(r.2)).collect::<Vec<_>>())
            .bind(listen::CHANNEL)
            .bind(listen::payloads(touched.iter().map(|r| (r.0, r.3))))
            .fetch_all(&mut *conn)
            .await?;
        }
        let mut followed = followed.into_iter();
        for (slot, live) in self.slots.iter().zip(live) {
            let follows = live && followed.next().unwrap_or(false);
            if let Some(outcome) = outcomes.get_mut(*slot) {
                *outcome = (Written::SessionRemoved(live), follows);
            }
        }
        Ok(())
    }
}

/// The purge after its `candidates` (tenant, user, stored session id): lock their users,
/// delete those still expired at `$1`, record each expiry as a change of its user, count.
macro_rules! purge_candidates {
    () => {
        "locked AS ( \
           SELECT u.tenant_id, u.user_id FROM presence_users u \
           WHERE (u.tenant_id, u.user_id) IN (SELECT tenant_id, user_id FROM candidates) \
           FOR UPDATE SKIP LOCKED), \
         purged AS ( \
           DELETE FROM presence_sessions s USING candidates c, locked l \
           WHERE s.tenant_id = c.tenant_id AND s.user_id = c.user_id \
             AND s.session_id = c.session_id \
             AND l.tenant_id = c.tenant_id AND l.user_id = c.user_id \
             AND s.expires_at <= $1 \
           RETURNING s.tenant_id, s.user_id, s.expires_at), \
         expiries AS ( \
           SELECT tenant_id, user_id, MAX(expires_at) AS at FROM purged \
           GROUP BY tenant_id, user_id), \
         recorded AS ( \
           UPDATE presence_users u SET changed_at = GREATEST(u.changed_at, e.at) \
           FROM expiries e WHERE u.tenant_id = e.tenant_id AND u.user_id = e.user_id), \
         notified AS ( \
           SELECT pg_notify('presence_changes', e.tenant_id || chr(31) || e.user_id) \
           FROM expiries e) \
         SELECT COUNT(*) FROM purged WHERE (SELECT COUNT(*) FROM notified) >= 0"
    };
}

/// Deletes up to `limit` expired sessions, oldest first, and records each expiry as a change
/// of its user (`changed_at`), in one statement. Instances purge concurrently without
/// overlapping: each locks the users of its candidates first (the same lock order as every
/// other write) and skips users another instance or a request holds; the deletion re-checks
/// `expires_at` on the latest row, so a session refreshed meanwhile stays.
async fn purge_expired(
    conn: &mut PgConnection,
    now: Timestamp,
    limit: u32,
) -> Result<u32, sqlx::Error> {
    let purged: i64 = sqlx::query_scalar(concat!(
        "WITH candidates AS ( \
           SELECT tenant_id, user_id, session_id FROM presence_sessions \
           WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2), ",
        purge_candidates!()
    ))
    .bind(to_millis(now))
    .bind(i64::from(limit))
    .fetch_one(conn)
    .await?;
    Ok(u32::try_from(purged).unwrap_or(u32::MAX))
}

/// Deletes those of `sessions` (user, stored id) that expired at or before `now`, as
/// [`purge_expired`] does with the sessions it finds.
async fn purge_sessions(
    conn: &mut PgConnection,
    now: Timestamp,
    sessions: &[(UserKey, String)],
) -> Result<u32, sqlx::Error> {
    let column = |pick: fn(&(UserKey, String)) -> &str| -> Vec<String> {
        sessions.iter().map(|s| pick(s).to_owned()).collect()
    };
    let purged: i64 = sqlx::query_scalar(concat!(
        "WITH candidates AS ( \
           SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) \
             AS c(tenant_id, user_id, session_id)), ",
        purge_candidates!()
    ))
    .bind(to_millis(now))
    .bind(column(|s| &s.0.tenant))
    .bind(column(|s| &s.0.user))
    .bind(column(|s| &s.1))
    .fetch_one(conn)
    .await?;
    Ok(u32::try_from(purged).unwrap_or(u32::MAX))
}
