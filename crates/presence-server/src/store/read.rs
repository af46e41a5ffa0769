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

const USER_COLUMNS: &str = "user_id, changed_at, preferred_availability, preferred_activity, \
    preferred_expires_at, status_content, status_expires_at, status_published_at, \
    manual_location_type, manual_place_id, automatic_location_type, automatic_place_id";
const SESSION_COLUMNS: &str =
    "user_id, session_id, availability, activity, refreshed_at, expires_at";

impl Store {
    /// One user's state; the default (empty) state for a user never written.
    pub async fn load_user(&self, tenant: &str, user: &str) -> Result<UserState, sqlx::Error> {
        let ids = [user.to_owned()];
        let mut states = self.load_users(tenant, &ids).await?;
        Ok(states.remove(user).unwrap_or_default())
    }

    /// The state of each of `users` that has any, keyed by user id. Two queries whatever the
    /// number of users: the ids travel as one JSON array.
    pub async fn load_users(
        &self,
        tenant: &str,
        users: &[String],
    ) -> Result<HashMap<String, UserState>, sqlx::Error> {
        let ids = serde_json::to_string(users).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let mut conn = self.read.acquire().await?;
        let user_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM presence_users \
             WHERE tenant_id = ? AND user_id IN (SELECT value FROM json_each(?))"
        )))
        .bind(tenant)
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
        let session_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM presence_sessions \
             WHERE tenant_id = ? AND user_id IN (SELECT value FROM json_each(?))"
        )))
        .bind(tenant)
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
        let mut states = HashMap::with_capacity(user_rows.len());
        for row in &user_rows {
            let (user, state) = user_state(row)?;
            states.insert(user, state);
        }
        for row in &session_rows {
            let user: String = row.try_get("user_id")?;
            states.entry(user).or_default().sessions.push(session(row)?);
        }
        Ok(states)
    }
}

fn user_state(row: &SqliteRow) -> Result<(String, UserState), sqlx::Error> {
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
        sessions: Vec::new(),
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

fn session(row: &SqliteRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        session_id: row.try_get("session_id")?,
        availability: parse(row.try_get("availability")?, Availability::parse)?,
        activity: parse(row.try_get("activity")?, Activity::parse)?,
        refreshed_at: from_millis(row.try_get("refreshed_at")?)?,
        expires_at: from_millis(row.try_get("expires_at")?)?,
    })
}
