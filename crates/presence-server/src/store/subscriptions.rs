//! Subscriptions and the notification outbox: their SQL, reads and writes.

use std::collections::HashMap;

use jiff::Timestamp;
use presence_model::{Activity, Availability};
use sqlx::{Row, SqliteConnection};

use super::codec::{from_millis, parse, to_millis};
use super::read::fetch_users;
use super::{Store, UserKey};
use crate::engine::EffectivePresence;

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    pub id: String,
    pub tenant: String,
    pub application_id: String,
    pub creator_id: String,
    pub resource: String,
    pub notification_url: String,
    pub lifecycle_notification_url: Option<String>,
    pub client_state: Option<String>,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    /// Rich notifications: the base64 certificate to encrypt with, and its id.
    pub encryption: Option<Encryption>,
}

/// The certificate a subscription's notifications are encrypted with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encryption {
    pub certificate: String,
    pub certificate_id: String,
}

/// A notification waiting for delivery, with what is needed to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingNotification {
    pub outbox_id: i64,
    pub notification_id: String,
    pub subscription_id: String,
    pub tenant: String,
    pub user: String,
    pub presence: EffectivePresence,
    pub attempts: u32,
    /// Wall-clock time the notification was written.
    pub created_at: Timestamp,
    pub notification_url: String,
    pub client_state: Option<String>,
    pub subscription_expires_at: Timestamp,
    pub encryption: Option<Encryption>,
}

/// One followed user of one subscription, and what was last announced for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    pub subscription_id: String,
    pub user: UserKey,
    pub last: EffectivePresence,
}

const SUBSCRIPTION_COLUMNS: &str = "id, tenant_id, application_id, creator_id, resource, \
    notification_url, lifecycle_notification_url, client_state, expires_at, created_at, \
    include_resource_data, encryption_certificate, encryption_certificate_id";

impl Store {
    /// The live subscriptions of `tenant` made by `application` (all of the tenant's with
    /// `None`), oldest first.
    pub async fn list_subscriptions(
        &self,
        tenant: &str,
        application: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<SubscriptionRecord>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
             WHERE tenant_id = ? AND (? IS NULL OR application_id = ?) AND expires_at > ? \
             ORDER BY created_at, id"
        )))
        .bind(tenant)
        .bind(application)
        .bind(application)
        .bind(to_millis(now))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(subscription).collect()
    }

    /// One live subscription of `tenant`.
    pub async fn get_subscription(
        &self,
        tenant: &str,
        id: &str,
        now: Timestamp,
    ) -> Result<Option<SubscriptionRecord>, sqlx::Error> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions \
             WHERE tenant_id = ? AND id = ? AND expires_at > ?"
        )))
        .bind(tenant)
        .bind(id)
        .bind(to_millis(now))
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(subscription).transpose()
    }

    /// Every followed user of every live subscription, with what was last announced.
    pub async fn follows(&self, now: Timestamp) -> Result<Vec<Follow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT su.subscription_id, su.tenant_id, su.user_id, su.last_availability, \
                    su.last_activity \
             FROM subscription_users su JOIN subscriptions s ON s.id = su.subscription_id \
             WHERE s.expires_at > ?",
        )
        .bind(to_millis(now))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Follow {
                    subscription_id: row.try_get("subscription_id")?,
                    user: UserKey {
                        tenant: row.try_get("tenant_id")?,
                        user: row.try_get("user_id")?,
                    },
                    last: EffectivePresence {
                        availability: parse(
                            row.try_get("last_availability")?,
                            Availability::parse,
                        )?,
                        activity: parse(row.try_get("last_activity")?, Activity::parse)?,
                    },
                })
            })
            .collect()
    }

    /// The oldest undelivered notification of each subscription whose next attempt is due
    /// (wall clock `due`): delivering only heads keeps each subscription's order.
    pub async fn due_notifications(
        &self,
        due: Timestamp,
    ) -> Result<Vec<PendingNotification>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT o.id, o.notification_id, o.subscription_id, o.user_id, o.availability, \
                    o.activity, o.attempts, o.created_at, s.tenant_id, s.notification_url, \
                    s.client_state, s.expires_at, s.include_resource_data, \
                    s.encryption_certificate, s.encryption_certificate_id \
             FROM notification_outbox o JOIN subscriptions s ON s.id = o.subscription_id \
             WHERE o.id IN (SELECT MIN(id) FROM notification_outbox GROUP BY subscription_id) \
               AND o.next_attempt_at <= ? \
             ORDER BY o.id",
        )
        .bind(to_millis(due))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PendingNotification {
                    outbox_id: row.try_get("id")?,
                    notification_id: row.try_get("notification_id")?,
                    subscription_id: row.try_get("subscription_id")?,
                    tenant: row.try_get("tenant_id")?,
                    user: row.try_get("user_id")?,
                    presence: EffectivePresence {
                        availability: parse(row.try_get("availability")?, Availability::parse)?,
                        activity: parse(row.try_get("activity")?, Activity::parse)?,
                    },
                    attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
                    created_at: from_millis(row.try_get("created_at")?)?,
                    notification_url: row.try_get("notification_url")?,
                    client_state: row.try_get("client_state")?,
                    subscription_expires_at: from_millis(row.try_get("expires_at")?)?,
                    encryption: encryption(row)?,
                })
            })
            .collect()
    }
}

fn subscription(row: &sqlx::sqlite::SqliteRow) -> Result<SubscriptionRecord, sqlx::Error> {
    Ok(SubscriptionRecord {
        id: row.try_get("id")?,
        tenant: row.try_get("tenant_id")?,
        application_id: row.try_get("application_id")?,
        creator_id: row.try_get("creator_id")?,
        resource: row.try_get("resource")?,
        notification_url: row.try_get("notification_url")?,
        lifecycle_notification_url: row.try_get("lifecycle_notification_url")?,
        client_state: row.try_get("client_state")?,
        expires_at: from_millis(row.try_get("expires_at")?)?,
        created_at: from_millis(row.try_get("created_at")?)?,
        encryption: encryption(row)?,
    })
}

fn encryption(row: &sqlx::sqlite::SqliteRow) -> Result<Option<Encryption>, sqlx::Error> {
    if !row.try_get::<bool, _>("include_resource_data")? {
        return Ok(None);
    }
    Ok(Some(Encryption {
        certificate: row
            .try_get::<Option<String>, _>("encryption_certificate")?
            .unwrap_or_default(),
        certificate_id: row
            .try_get::<Option<String>, _>("encryption_certificate_id")?
            .unwrap_or_default(),
    }))
}

/// Creates a subscription following `users`, remembering their presence at `now` as already
/// announced (a subscription reports changes from its creation on).
pub(super) async fn create(
    conn: &mut SqliteConnection,
    record: &SubscriptionRecord,
    users: &[String],
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS}) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )))
    .bind(&record.id)
    .bind(&record.tenant)
    .bind(&record.application_id)
    .bind(&record.creator_id)
    .bind(&record.resource)
    .bind(&record.notification_url)
    .bind(&record.lifecycle_notification_url)
    .bind(&record.client_state)
    .bind(to_millis(record.expires_at))
    .bind(to_millis(record.created_at))
    .bind(record.encryption.is_some())
    .bind(record.encryption.as_ref().map(|e| e.certificate.as_str()))
    .bind(
        record
            .encryption
            .as_ref()
            .map(|e| e.certificate_id.as_str()),
    )
    .execute(&mut *conn)
    .await?;
    let states = fetch_users(&mut *conn, &record.tenant, users).await?;
    for user in users {
        let presence = states
            .get(user)
            .map_or(EffectivePresence::OFFLINE, |state| state.presence_at(now));
        sqlx::query(
            "INSERT INTO subscription_users \
               (subscription_id, tenant_id, user_id, last_availability, last_activity) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&record.id)
        .bind(&record.tenant)
        .bind(user)
        .bind(presence.availability.as_str())
        .bind(presence.activity.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Writes a notification for every live subscription following `user` whose last announced
/// presence differs from the user's presence at `now`. Returns how many were written. Costs
/// one indexed lookup when nobody follows the user.
pub(super) async fn announce(
    conn: &mut SqliteConnection,
    user: &UserKey,
    now: Timestamp,
) -> Result<u32, sqlx::Error> {
    let follows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT su.subscription_id, su.last_availability, su.last_activity \
         FROM subscription_users su JOIN subscriptions s ON s.id = su.subscription_id \
         WHERE su.tenant_id = ? AND su.user_id = ? AND s.expires_at > ?",
    )
    .bind(&user.tenant)
    .bind(&user.user)
    .bind(to_millis(now))
    .fetch_all(&mut *conn)
    .await?;
    if follows.is_empty() {
        return Ok(0);
    }
    let ids = [user.user.clone()];
    let states = fetch_users(&mut *conn, &user.tenant, &ids).await?;
    let presence = states
        .get(&user.user)
        .map_or(EffectivePresence::OFFLINE, |state| state.presence_at(now));
    let wall = Timestamp::now();
    let mut written = 0;
    for (subscription_id, last_availability, last_activity) in follows {
        if (last_availability.as_str(), last_activity.as_str())
            == (presence.availability.as_str(), presence.activity.as_str())
        {
            continue;
        }
        sqlx::query(
            "INSERT INTO notification_outbox (notification_id, subscription_id, user_id, \
               availability, activity, occurred_at, created_at, next_attempt_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&subscription_id)
        .bind(&user.user)
        .bind(presence.availability.as_str())
        .bind(presence.activity.as_str())
        .bind(to_millis(now))
        .bind(to_millis(wall))
        .bind(to_millis(wall))
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE subscription_users SET last_availability = ?, last_activity = ? \
             WHERE subscription_id = ? AND user_id = ?",
        )
        .bind(presence.availability.as_str())
        .bind(presence.activity.as_str())
        .bind(&subscription_id)
        .bind(&user.user)
        .execute(&mut *conn)
        .await?;
        written += 1;
    }
    Ok(written)
}

/// Groups follows by user, for scanning.
pub fn by_user(follows: Vec<Follow>) -> HashMap<UserKey, Vec<Follow>> {
    let mut grouped: HashMap<UserKey, Vec<Follow>> = HashMap::new();
    for follow in follows {
        grouped.entry(follow.user.clone()).or_default().push(follow);
    }
    grouped
}
