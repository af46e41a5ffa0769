//! Reading users' state back into engine values.

use std::collections::HashMap;

use presence_model::{Activity, Availability, WorkLocationType};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::Store;
use super::codec::{from_millis, parse};
use crate::engine::location::{Location, LocationLayers};
use crate::engine::preferred::Preferred;
use crate::engine::status_message::StatusMessage;
use crate::engine::{Session, UserState};

/// Separates the fields of one session, and sessions from each other, in the aggregated
/// `sessions` column. Both are control characters, which ids may not contain (routes refuse
/// them), and the other fields are vocabulary words and integers.
const FIELD: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// One row per user: the user's columns, and all the user's sessions folded into one text
/// column. One query and one row per user, whatever the number of sessions: a read is a single
/// round trip to the database thread, and rows, the costly part of decoding, stay few.
const SELECT_USERS: &str = "SELECT u.user_id, u.changed_at, u.preferred_availability, \
    u.preferred_activity, u.preferred_expires_at, u.status_content, u.status_expires_at, \
    u.status_published_at, u.manual_location_type, u.manual_place_id, \
    u.automatic_location_type, u.automatic_place_id, \
    (SELECT group_concat(s.session_id || char(31) || s.availability || char(31) || s.activity \
        || char(31) || s.refreshed_at || char(31) || s.expires_at, char(30)) \
     FROM presence_sessions s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.user_id) \
    AS sessions \
    FROM presence_users u \
    WHERE u.tenant_id = ? AND u.user_id IN (SELECT value FROM json_each(?))";

impl Store {
    /// One user's state; the default (empty) state for a user never written.
    pub async fn load_user(&self, tenant: &str, user: &str) -> Result<UserState, sqlx::Error> {
        let ids = [user.to_owned()];
        let mut states = self.load_users(tenant, &ids).await?;
        Ok(states.remove(user).unwrap_or_default())
    }

    /// The state of each of `users` that has any, keyed by user id. One query whatever the
    /// number of users: the ids travel as one JSON array. (Every write to a user, sessions
    /// included, creates the user's row, so users without a row have no state at all.)
    pub async fn load_users(
        &self,
        tenant: &str,
        users: &[String],
    ) -> Result<HashMap<String, UserState>, sqlx::Error> {
        fetch_users(&self.read, tenant, users).await
    }
}

/// [`Store::load_users`] on any connection (the writer uses it inside its transactions).
pub(super) async fn fetch_users<'c, E>(
    executor: E,
    tenant: &str,
    users: &[String],
) -> Result<HashMap<String, UserState>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Sqlite>,
{
    let ids = serde_json::to_string(users).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let rows = sqlx::query(SELECT_USERS)
        .bind(tenant)
        .bind(&ids)
        .fetch_all(executor)
        .await?;
    rows.iter().map(user_state).collect()
}

/// Unfolds the aggregated `sessions` column.
fn sessions(folded: Option<&str>) -> Result<Vec<Session>, sqlx::Error> {
    let Some(folded) = folded.filter(|f| !f.is_empty()) else {
        return Ok(Vec::new());
    };
    folded
        .split(RECORD)
        .map(|record| {
            let mut fields = record.split(FIELD);
            let mut next = || {
                fields
                    .next()
                    .ok_or_else(|| sqlx::Error::Decode("truncated session record".into()))
            };
            let session_id = next()?.to_owned();
            let availability = parse(next()?, Availability::parse)?;
            let activity = parse(next()?, Activity::parse)?;
            let refreshed_at = from_millis(millis(next()?)?)?;
            let expires_at = from_millis(millis(next()?)?)?;
            Ok(Session {
                session_id,
                availability,
                activity,
                refreshed_at,
                expires_at,
            })
        })
        .collect()
}

fn millis(text: &str) -> Result<i64, sqlx::Error> {
    text.parse()
        .map_err(|e: std::num::ParseIntError| sqlx::Error::Decode(Box::new(e)))
}

fn user_state(row: &SqliteRow) -> Result<(String, UserState), sqlx::Error> {
    let sessions = sessions(row.try_get::<Option<&str>, _>("sessions")?)?;
    let preferred = match (
        row.try_get::<Option<&str>, _>("preferred_availability")?,
        row.try_get::<Option<&str>, _>("preferred_activity")?,
        row.try_get::<Option<i64>, _>("preferred_expires_at")?,
    ) {
        (Some(availability), Some(activity), Some(expires_at)) => Some(Preferred {
            availability: parse(availability, Availability::parse)?,
            activity: parse(activity, Activity::parse)?,
            expires_at: from_millis(expires_at)?,
        }),
        _ => None,
    };
    let status_message = match (
        row.try_get::<Option<String>, _>("status_content")?,
        row.try_get::<Option<i64>, _>("status_published_at")?,
    ) {
        (Some(content), Some(published_at)) => Some(StatusMessage {
            content,
            expires_at: row
                .try_get::<Option<i64>, _>("status_expires_at")?
                .map(from_millis)
                .transpose()?,
            published_at: from_millis(published_at)?,
        }),
        _ => None,
    };
    let state = UserState {
        sessions,
        preferred,
        status_message,
        location: LocationLayers {
            manual: location(row, "manual_location_type", "manual_place_id")?,
            automatic: location(row, "automatic_location_type", "automatic_place_id")?,
        },
        changed_at: Some(from_millis(row.try_get("changed_at")?)?),
    };
    Ok((row.try_get("user_id")?, state))
}

fn location(row: &SqliteRow, kind: &str, place: &str) -> Result<Option<Location>, sqlx::Error> {
    row.try_get::<Option<&str>, _>(kind)?
        .map(|kind| {
            Ok(Location {
                work_location_type: parse(kind, WorkLocationType::parse)?,
                place_id: row.try_get(place)?,
            })
        })
        .transpose()
}
