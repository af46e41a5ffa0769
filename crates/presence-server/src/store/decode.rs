//! Rows back into values, for both backends. The two dialects return the same columns under
//! the same names (text, 64-bit integers, one boolean), so decoding is written once against
//! [`Columns`], which each backend's row type implements.

use presence_model::{Activity, Availability, WorkLocationType};
use sqlx::Row;

use super::UserKey;
use super::codec::{from_millis, parse, session_id_from_stored};
use super::records::{Encryption, Follow, PendingNotification, SubscriptionRecord};
use crate::engine::calendar::{CalendarEntry, ShowAs};
use crate::engine::location::{Location, LocationLayers};
use crate::engine::out_of_office::AutomaticReplies;
use crate::engine::preferred::Preferred;
use crate::engine::status_message::StatusMessage;
use crate::engine::{EffectivePresence, Session, UserState};

/// Separates the fields of one session (or calendar entry), and records from each other, in
/// the aggregated `sessions` and `calendar` columns that both backends' user queries produce.
/// Both are control characters, which ids and subjects may not contain (routes refuse them),
/// and the other fields are vocabulary words and integers.
pub const FIELD: char = '\u{1f}';
pub const RECORD: char = '\u{1e}';

/// Typed access to a row's columns by name.
pub trait Columns {
    fn text(&self, column: &str) -> Result<Option<&str>, sqlx::Error>;
    fn int(&self, column: &str) -> Result<Option<i64>, sqlx::Error>;
    fn flag(&self, column: &str) -> Result<bool, sqlx::Error>;

    fn required_text(&self, column: &str) -> Result<&str, sqlx::Error> {
        self.text(column)?.ok_or_else(|| null(column))
    }

    fn required_int(&self, column: &str) -> Result<i64, sqlx::Error> {
        self.int(column)?.ok_or_else(|| null(column))
    }
}

fn null(column: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("column {column} is unexpectedly NULL").into())
}

macro_rules! columns_for {
    ($row:ty) => {
        impl Columns for $row {
            fn text(&self, column: &str) -> Result<Option<&str>, sqlx::Error> {
                self.try_get(column)
            }
            fn int(&self, column: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(column)
            }
            fn flag(&self, column: &str) -> Result<bool, sqlx::Error> {
                self.try_get(column)
            }
        }
    };
}

columns_for!(sqlx::sqlite::SqliteRow);
columns_for!(sqlx::postgres::PgRow);

/// A user's row (with its folded `sessions` column): the user id and the state.
pub fn user_state(row: &impl Columns) -> Result<(String, UserState), sqlx::Error> {
    let sessions = sessions(row.text("sessions")?)?;
    let preferred = match (
        row.text("preferred_availability")?,
        row.text("preferred_activity")?,
        row.int("preferred_expires_at")?,
    ) {
        (Some(availability), Some(activity), Some(expires_at)) => Some(Preferred {
            availability: parse(availability, Availability::parse)?,
            activity: parse(activity, Activity::parse)?,
            expires_at: from_millis(expires_at)?,
        }),
        _ => None,
    };
    let status_message = match (row.text("status_content")?, row.int("status_published_at")?) {
        (Some(content), Some(published_at)) => Some(StatusMessage {
            content: content.to_owned(),
            expires_at: row.int("status_expires_at")?.map(from_millis).transpose()?,
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
        automatic_replies: automatic_replies(row)?,
        calendar: calendar(row.text("calendar")?)?,
        changed_at: Some(from_millis(row.required_int("changed_at")?)?),
    };
    Ok((row.required_text("user_id")?.to_owned(), state))
}

/// A user's row of any tenant (exports): the user and the state.
pub fn tenant_user_state(row: &impl Columns) -> Result<(UserKey, UserState), sqlx::Error> {
    let (user, state) = user_state(row)?;
    let tenant = row.required_text("tenant_id")?.to_owned();
    Ok((UserKey { tenant, user }, state))
}

/// The records of an aggregated column, each handed to `record` as a source of its fields
/// in order (a missing field is a decoding error naming `what`).
fn unfold<'a, T>(
    folded: Option<&'a str>,
    what: &'static str,
    record: impl Fn(&mut dyn FnMut() -> Result<&'a str, sqlx::Error>) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, sqlx::Error> {
    let Some(folded) = folded.filter(|f| !f.is_empty()) else {
        return Ok(Vec::new());
    };
    folded
        .split(RECORD)
        .map(|text| {
            let mut fields = text.split(FIELD);
            record(&mut || {
                fields
                    .next()
                    .ok_or_else(|| sqlx::Error::Decode(format!("truncated {what} record").into()))
            })
        })
        .collect()
}

/// Unfolds the aggregated `sessions` column.
fn sessions(folded: Option<&str>) -> Result<Vec<Session>, sqlx::Error> {
    unfold(folded, "session", |next| {
        let (session_id, kind) = session_id_from_stored(next()?);
        Ok(Session {
            session_id,
            kind,
            availability: parse(next()?, Availability::parse)?,
            activity: parse(next()?, Activity::parse)?,
            refreshed_at: from_millis(millis(next()?)?)?,
            expires_at: from_millis(millis(next()?)?)?,
        })
    })
}

/// The user's automatic replies, when on.
fn automatic_replies(row: &impl Columns) -> Result<Option<AutomaticReplies>, sqlx::Error> {
    if !row.flag("replies_on")? {
        return Ok(None);
    }
    Ok(Some(AutomaticReplies {
        message: row.text("replies_message")?.map(str::to_owned),
        start: row.int("replies_start")?.map(from_millis).transpose()?,
        end: row.int("replies_end")?.map(from_millis).transpose()?,
    }))
}

/// Unfolds the aggregated `calendar` column.
fn calendar(folded: Option<&str>) -> Result<Vec<CalendarEntry>, sqlx::Error> {
    unfold(folded, "calendar", |next| {
        let id = next()?.to_owned();
        let start = from_millis(millis(next()?)?)?;
        let end = from_millis(millis(next()?)?)?;
        let show_as = next()?;
        let show_as = ShowAs::parse(show_as)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown showAs '{show_as}'").into()))?;
        let subject = Some(next()?).filter(|s| !s.is_empty()).map(str::to_owned);
        Ok(CalendarEntry {
            id,
            start,
            end,
            show_as,
            subject,
        })
    })
}

fn millis(text: &str) -> Result<i64, sqlx::Error> {
    text.parse()
        .map_err(|e: std::num::ParseIntError| sqlx::Error::Decode(Box::new(e)))
}

fn location(row: &impl Columns, kind: &str, place: &str) -> Result<Option<Location>, sqlx::Error> {
    row.text(kind)?
        .map(|kind| {
            Ok(Location {
                work_location_type: parse(kind, WorkLocationType::parse)?,
                place_id: row.text(place)?.map(str::to_owned),
            })
        })
        .transpose()
}

/// The columns [`subscription`] reads, in the order both backends insert them.
pub const SUBSCRIPTION_COLUMNS: &str = "id, tenant_id, application_id, creator_id, resource, \
    notification_url, lifecycle_notification_url, client_state, expires_at, created_at, \
    include_resource_data, encryption_certificate, encryption_certificate_id, \
    access_expires_at, reauthorization_sent";

pub fn subscription(row: &impl Columns) -> Result<SubscriptionRecord, sqlx::Error> {
    Ok(SubscriptionRecord {
        id: row.required_text("id")?.to_owned(),
        tenant: row.required_text("tenant_id")?.to_owned(),
        application_id: row.required_text("application_id")?.to_owned(),
        creator_id: row.required_text("creator_id")?.to_owned(),
        resource: row.required_text("resource")?.to_owned(),
        notification_url: row.required_text("notification_url")?.to_owned(),
        lifecycle_notification_url: row.text("lifecycle_notification_url")?.map(str::to_owned),
        client_state: row.text("client_state")?.map(str::to_owned),
        expires_at: from_millis(row.required_int("expires_at")?)?,
        created_at: from_millis(row.required_int("created_at")?)?,
        encryption: encryption(row)?,
        access_expires_at: row.int("access_expires_at")?.map(from_millis).transpose()?,
        reauthorization_sent: row.flag("reauthorization_sent")?,
    })
}

fn encryption(row: &impl Columns) -> Result<Option<Encryption>, sqlx::Error> {
    if !row.flag("include_resource_data")? {
        return Ok(None);
    }
    Ok(Some(Encryption {
        certificate: row
            .text("encryption_certificate")?
            .unwrap_or_default()
            .to_owned(),
        certificate_id: row
            .text("encryption_certificate_id")?
            .unwrap_or_default()
            .to_owned(),
    }))
}

/// A row of `subscription_users` (with its subscription's id).
pub fn follow(row: &impl Columns) -> Result<Follow, sqlx::Error> {
    Ok(Follow {
        subscription_id: row.required_text("subscription_id")?.to_owned(),
        user: UserKey {
            tenant: row.required_text("tenant_id")?.to_owned(),
            user: row.required_text("user_id")?.to_owned(),
        },
        last: presence(row, "last_availability", "last_activity")?,
    })
}

/// An outbox row joined with its subscription.
pub fn pending(row: &impl Columns) -> Result<PendingNotification, sqlx::Error> {
    Ok(PendingNotification {
        outbox_id: row.required_int("id")?,
        notification_id: row.required_text("notification_id")?.to_owned(),
        subscription_id: row.required_text("subscription_id")?.to_owned(),
        tenant: row.required_text("tenant_id")?.to_owned(),
        user: row.required_text("user_id")?.to_owned(),
        presence: presence(row, "availability", "activity")?,
        attempts: u32::try_from(row.required_int("attempts")?).unwrap_or(u32::MAX),
        created_at: from_millis(row.required_int("created_at")?)?,
        notification_url: row.required_text("notification_url")?.to_owned(),
        lifecycle_notification_url: row.text("lifecycle_notification_url")?.map(str::to_owned),
        client_state: row.text("client_state")?.map(str::to_owned),
        subscription_expires_at: from_millis(row.required_int("expires_at")?)?,
        encryption: encryption(row)?,
        application_id: row.required_text("application_id")?.to_owned(),
        subscription_resource: row.required_text("resource")?.to_owned(),
    })
}

/// The columns both backends' outbox queries return, for [`pending`] (`o` the outbox, `s`
/// the subscription).
pub const PENDING_COLUMNS: &str = "o.id, o.notification_id, o.subscription_id, o.user_id, \
    o.availability, o.activity, o.attempts, o.created_at, s.tenant_id, s.notification_url, \
    s.client_state, s.expires_at, s.include_resource_data, s.encryption_certificate, \
    s.encryption_certificate_id, s.lifecycle_notification_url, s.application_id, s.resource";

fn presence(
    row: &impl Columns,
    availability: &str,
    activity: &str,
) -> Result<EffectivePresence, sqlx::Error> {
    Ok(EffectivePresence {
        availability: parse(row.required_text(availability)?, Availability::parse)?,
        activity: parse(row.required_text(activity)?, Activity::parse)?,
    })
}
