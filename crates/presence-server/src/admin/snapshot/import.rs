//! A [`Snapshot`] turned into the writes that load it, checked first: every id as the API
//! would check it, every time absolute or relative (never both). Nothing is written unless
//! the whole document is valid, and the writes then run in one transaction
//! (`Write::Import`).

use jiff::{SignedDuration, Timestamp};
use presence_model::{
    ImportOutcome, SNAPSHOT_VERSION, Snapshot, SnapshotCalendarEntry, SnapshotSession,
    SnapshotSubscription, SnapshotUser,
};

use crate::admin::calendar;
use crate::admin::scope::{printable, tenant_id};
use crate::engine::calendar::ShowAs;
use crate::engine::location::Location;
use crate::engine::out_of_office::AutomaticReplies;
use crate::engine::preferred::Preferred;
use crate::engine::session::UNTIL_REMOVED;
use crate::engine::status_message::StatusMessage;
use crate::engine::subscription::{check_url, users_of_resource};
use crate::engine::{Session, SessionKind};
use crate::error::GraphError;
use crate::routes::target::normalise_user_id;
use crate::store::{Encryption, LocationLayer, ResetTarget, SubscriptionRecord, UserKey, Write};

/// Longest id of a session, client or calendar entry.
const MAX_ID: usize = 256;
/// Longest status message or automatic reply.
const MAX_MESSAGE: usize = 4000;

/// How an import treats what is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Add to the state: what the snapshot names replaces what is there, the rest stays.
    Merge,
    /// Everything is reset first (as `POST /admin/reset` with no scope).
    Replace,
}

/// The writes that load a snapshot, and what they load.
#[derive(Debug)]
pub struct Plan {
    pub write: Write,
    pub outcome: ImportOutcome,
}

/// Checks `snapshot` and plans its loading at `now`.
pub fn plan(snapshot: &Snapshot, mode: Mode, now: Timestamp) -> Result<Plan, GraphError> {
    if snapshot.version != SNAPSHOT_VERSION {
        return Err(invalid(
            "version",
            format!("this server reads snapshots of version {SNAPSHOT_VERSION}"),
        ));
    }
    let mut writes = Vec::new();
    if mode == Mode::Replace {
        writes.push(Write::Reset {
            target: ResetTarget::Everything,
            now,
        });
    }
    let mut users = Vec::new();
    let mut outcome = ImportOutcome {
        tenants: 0,
        users: 0,
        subscriptions: 0,
    };
    for (t, tenant) in snapshot.tenants.iter().enumerate() {
        let at = format!("tenants[{t}]");
        let tid = tenant_id(&tenant.id).map_err(|e| invalid(&format!("{at}.id"), e.message))?;
        outcome.tenants += 1;
        for (u, user) in tenant.users.iter().enumerate() {
            let at = format!("{at}.users[{u}]");
            let key = UserKey {
                tenant: tid.clone(),
                user: normalise_user_id(&user.id)
                    .map_err(|e| invalid(&format!("{at}.id"), e.message))?,
            };
            user_writes(user, &key, mode, now, &at, &mut writes)?;
            users.push(key);
            outcome.users += 1;
        }
        for (s, subscription) in tenant.subscriptions.iter().enumerate() {
            let at = format!("{at}.subscriptions[{s}]");
            let (record, followed) = subscription_record(subscription, &tid, now, &at)?;
            writes.push(Write::DeleteSubscription {
                tenant: tid.clone(),
                id: record.id.clone(),
            });
            writes.push(Write::CreateSubscription {
                record,
                users: followed,
                now,
                // A snapshot states what exists: it is loaded as it is.
                one_per_creator: false,
            });
            outcome.subscriptions += 1;
        }
    }
    Ok(Plan {
        write: Write::Import {
            writes,
            notify: snapshot.notify,
            users,
            now,
        },
        outcome,
    })
}

fn user_writes(
    user: &SnapshotUser,
    key: &UserKey,
    mode: Mode,
    now: Timestamp,
    at: &str,
    writes: &mut Vec<Write>,
) -> Result<(), GraphError> {
    for (i, session) in user.sessions.iter().enumerate() {
        let session = session_of(session, now, &format!("{at}.sessions[{i}]"))?;
        writes.push(Write::PutSession {
            user: key.clone(),
            session,
        });
    }
    if let Some(preferred) = &user.preferred_presence {
        let field = format!("{at}.preferredPresence");
        let expires_at = time(
            &preferred.expires_at,
            &preferred.expires_in,
            Ahead,
            now,
            &field,
        )?
        .ok_or_else(|| invalid(&field, "needs expiresAt or expiresIn".into()))?;
        writes.push(Write::SetPreferred {
            user: key.clone(),
            preferred: Some(Preferred {
                availability: preferred.availability,
                activity: preferred.activity,
                expires_at,
            }),
            now,
        });
    }
    if let Some(message) = &user.status_message {
        let field = format!("{at}.statusMessage");
        bounded(&message.message, &field)?;
        let published_at = time(&message.published_at, &None, Behind, now, &field)?.unwrap_or(now);
        writes.push(Write::SetStatusMessage {
            user: key.clone(),
            message: Some(StatusMessage {
                content: message.message.clone(),
                expires_at: time(&message.expires_at, &message.expires_in, Ahead, now, &field)?,
                published_at,
            }),
            now,
        });
    }
    if let Some(location) = &user.work_location {
        for (layer, given) in [
            (LocationLayer::Manual, &location.manual),
            (LocationLayer::Automatic, &location.automatic),
        ] {
            if let Some(given) = given {
                writes.push(Write::SetLocation {
                    user: key.clone(),
                    layer,
                    location: Some(Location {
                        work_location_type: given.work_location_type,
                        place_id: given.place_id.clone(),
                    }),
                    now,
                });
            }
        }
    }
    if let Some(replies) = &user.out_of_office {
        let field = format!("{at}.outOfOffice");
        if let Some(message) = &replies.message {
            bounded(message, &field)?;
        }
        writes.push(Write::SetAutomaticReplies {
            user: key.clone(),
            replies: Some(AutomaticReplies {
                message: replies.message.clone(),
                start: time(&replies.start, &replies.starts_in, Signed, now, &field)?,
                end: time(&replies.end, &replies.ends_in, Signed, now, &field)?,
            }),
            now,
        });
    }
    for (i, entry) in user.calendar.iter().enumerate() {
        let field = format!("{at}.calendar[{i}]");
        let entry = calendar_entry(entry, now, &field)?;
        if mode == Mode::Merge {
            writes.push(Write::RemoveCalendarEntry {
                user: key.clone(),
                entry_id: entry.id.clone(),
                now,
            });
        }
        writes.push(Write::AddCalendarEntry {
            user: key.clone(),
            entry,
            now,
        });
    }
    Ok(())
}

fn session_of(session: &SnapshotSession, now: Timestamp, at: &str) -> Result<Session, GraphError> {
    printable(&session.id, MAX_ID, "id").map_err(|e| invalid(&format!("{at}.id"), e.message))?;
    let kind = match session.kind.as_deref() {
        None | Some("application") => SessionKind::Application,
        Some("client") => SessionKind::Client,
        Some(_) => {
            return Err(invalid(
                &format!("{at}.kind"),
                "is application or client".into(),
            ));
        }
    };
    let refreshed_at = time(
        &session.refreshed_at,
        &session.refreshed_ago,
        Behind,
        now,
        at,
    )?
    .unwrap_or(now);
    let expires_at = match (
        time(&session.expires_at, &session.expires_in, Ahead, now, at)?,
        kind,
    ) {
        (Some(at), _) => at,
        (None, SessionKind::Client) => UNTIL_REMOVED,
        (None, SessionKind::Application) => {
            return Err(invalid(
                at,
                "an application's session needs expiresAt or expiresIn".into(),
            ));
        }
    };
    Ok(Session {
        session_id: session.id.clone(),
        kind,
        availability: session.availability,
        activity: session.activity,
        refreshed_at,
        expires_at: expires_at.min(UNTIL_REMOVED),
    })
}

fn calendar_entry(
    entry: &SnapshotCalendarEntry,
    now: Timestamp,
    at: &str,
) -> Result<crate::engine::calendar::CalendarEntry, GraphError> {
    let id = match &entry.id {
        Some(id) => {
            printable(id, MAX_ID, "id").map_err(|e| invalid(&format!("{at}.id"), e.message))?;
            id.clone()
        }
        None => uuid::Uuid::new_v4().to_string(),
    };
    let start = time(&entry.start, &entry.starts_in, Signed, now, at)?
        .ok_or_else(|| invalid(at, "needs start or startsIn".into()))?;
    let end = time(&entry.end, &entry.ends_in, Signed, now, at)?
        .ok_or_else(|| invalid(at, "needs end or endsIn".into()))?;
    if ShowAs::parse(&entry.show_as).is_none() {
        return Err(invalid(
            &format!("{at}.showAs"),
            "is busy, tentative, oof or free".into(),
        ));
    }
    let wire = presence_model::CalendarEvent {
        id: None,
        start: start.to_string(),
        end: end.to_string(),
        show_as: entry.show_as.clone(),
        subject: entry.subject.clone(),
    };
    calendar::from_wire(&wire, id).map_err(|e| invalid(at, e.message))
}

fn subscription_record(
    subscription: &SnapshotSubscription,
    tenant: &str,
    now: Timestamp,
    at: &str,
) -> Result<(SubscriptionRecord, Vec<String>), GraphError> {
    printable(&subscription.id, MAX_ID, "id")
        .map_err(|e| invalid(&format!("{at}.id"), e.message))?;
    let followed = users_of_resource(&subscription.resource)
        .map_err(|m| invalid(&format!("{at}.resource"), m))?;
    for url in std::iter::once(&subscription.notification_url)
        .chain(&subscription.lifecycle_notification_url)
    {
        check_url(url).map_err(|m| invalid(&format!("{at}.notificationUrl"), m))?;
    }
    let expires_at = time(
        &subscription.expiration_date_time,
        &subscription.expires_in,
        Ahead,
        now,
        at,
    )?
    .ok_or_else(|| invalid(at, "needs expirationDateTime or expiresIn".into()))?;
    let encryption = match (
        &subscription.encryption_certificate,
        &subscription.encryption_certificate_id,
    ) {
        (Some(certificate), Some(certificate_id)) => Some(Encryption {
            certificate: certificate.clone(),
            certificate_id: certificate_id.clone(),
        }),
        (None, None) => None,
        _ => {
            return Err(invalid(
                at,
                "encryptionCertificate and encryptionCertificateId go together".into(),
            ));
        }
    };
    let record = SubscriptionRecord {
        id: subscription.id.clone(),
        tenant: tenant.to_owned(),
        application_id: subscription.application_id.clone(),
        creator_id: subscription.creator_id.clone(),
        resource: subscription.resource.clone(),
        notification_url: subscription.notification_url.clone(),
        lifecycle_notification_url: subscription.lifecycle_notification_url.clone(),
        client_state: subscription.client_state.clone(),
        expires_at,
        created_at: now,
        encryption,
        // A snapshot holds no token: only the subscription's own expiry asks for
        // reauthorization.
        access_expires_at: None,
        reauthorization_sent: false,
    };
    Ok((record, followed))
}

/// Which way a relative time counts from the moment of loading.
#[derive(Debug, Clone, Copy)]
enum Direction {
    /// `expiresIn`: ahead; must not be negative.
    Ahead,
    /// `refreshedAgo`: behind; must not be negative.
    Behind,
    /// `startsIn`, `endsIn`: either way, by its sign.
    Signed,
}
use Direction::{Ahead, Behind, Signed};

/// An absolute time, or one relative to `now`; `None` when neither is given.
fn time(
    absolute: &Option<String>,
    relative: &Option<String>,
    direction: Direction,
    now: Timestamp,
    at: &str,
) -> Result<Option<Timestamp>, GraphError> {
    match (absolute, relative) {
        (Some(_), Some(_)) => Err(invalid(
            at,
            "gives a time both absolute and relative".into(),
        )),
        (Some(text), None) => text
            .parse::<Timestamp>()
            .map(Some)
            .map_err(|_| invalid(at, format!("'{text}' is not an RFC 3339 time"))),
        (None, Some(text)) => {
            let span: SignedDuration = text
                .parse()
                .map_err(|_| invalid(at, format!("'{text}' is not an ISO 8601 duration")))?;
            let offset = match direction {
                Ahead | Behind if span.is_negative() => {
                    return Err(invalid(at, format!("'{text}' must not be negative")));
                }
                Behind => -span,
                Ahead | Signed => span,
            };
            now.checked_add(offset)
                .map(Some)
                .map_err(|_| invalid(at, format!("'{text}' is out of range")))
        }
        (None, None) => Ok(None),
    }
}

/// A message of at most [`MAX_MESSAGE`] characters.
fn bounded(message: &str, at: &str) -> Result<(), GraphError> {
    if message.chars().count() > MAX_MESSAGE {
        return Err(invalid(
            at,
            format!("the message is over {MAX_MESSAGE} characters"),
        ));
    }
    Ok(())
}

fn invalid(at: &str, message: String) -> GraphError {
    GraphError::invalid_argument(format!("The snapshot is not valid: {at}: {message}."))
}
