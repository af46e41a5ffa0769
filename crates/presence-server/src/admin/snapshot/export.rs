//! The server's state as a [`Snapshot`]: absolute times only, everything in a fixed order
//! (tenants, users, sessions and subscriptions by id; calendar entries by start), so the
//! same state always gives the same bytes.

use std::collections::BTreeMap;

use jiff::Timestamp;
use presence_model::{
    SNAPSHOT_VERSION, Snapshot, SnapshotCalendarEntry, SnapshotLocation, SnapshotOutOfOffice,
    SnapshotPreferred, SnapshotSession, SnapshotStatusMessage, SnapshotSubscription,
    SnapshotTenant, SnapshotUser, SnapshotWorkLocation,
};

use crate::engine::location::Location;
use crate::engine::session::UNTIL_REMOVED;
use crate::engine::{SessionKind, UserState};
use crate::store::{Store, SubscriptionRecord};

/// Everything live at `now`.
pub async fn export(store: &Store, now: Timestamp) -> Result<Snapshot, crate::store::StoreError> {
    let mut tenants: BTreeMap<String, SnapshotTenant> = BTreeMap::new();
    for (key, state) in store.all_users().await? {
        if let Some(user) = user(key.user, &state, now) {
            tenant(&mut tenants, &key.tenant).users.push(user);
        }
    }
    for record in store.all_subscriptions(now).await? {
        tenant(&mut tenants, &record.tenant)
            .subscriptions
            .push(subscription(&record));
    }
    Ok(Snapshot {
        version: SNAPSHOT_VERSION,
        notify: false,
        tenants: tenants.into_values().collect(),
    })
}

/// The tenant `id` of `tenants`, added empty when new.
fn tenant<'a>(
    tenants: &'a mut BTreeMap<String, SnapshotTenant>,
    id: &str,
) -> &'a mut SnapshotTenant {
    tenants
        .entry(id.to_owned())
        .or_insert_with(|| SnapshotTenant {
            id: id.to_owned(),
            users: Vec::new(),
            subscriptions: Vec::new(),
        })
}

/// A user's live state, or `None` when nothing of it is left.
fn user(id: String, state: &UserState, now: Timestamp) -> Option<SnapshotUser> {
    let mut sessions: Vec<&crate::engine::Session> =
        state.sessions.iter().filter(|s| s.is_live(now)).collect();
    sessions.sort_by(|a, b| {
        (a.kind == SessionKind::Client, &a.session_id)
            .cmp(&(b.kind == SessionKind::Client, &b.session_id))
    });
    let sessions: Vec<SnapshotSession> = sessions
        .into_iter()
        .map(|s| SnapshotSession {
            id: s.session_id.clone(),
            kind: (s.kind == SessionKind::Client).then(|| "client".to_owned()),
            availability: s.availability,
            activity: s.activity,
            refreshed_at: Some(s.refreshed_at.to_string()),
            refreshed_ago: None,
            expires_at: (s.expires_at != UNTIL_REMOVED).then(|| s.expires_at.to_string()),
            expires_in: None,
        })
        .collect();
    let preferred_presence =
        state
            .preferred
            .filter(|p| p.is_live(now))
            .map(|p| SnapshotPreferred {
                availability: p.availability,
                activity: p.activity,
                expires_at: Some(p.expires_at.to_string()),
                expires_in: None,
            });
    let status_message = state
        .status_message
        .as_ref()
        .filter(|m| m.is_live(now))
        .map(|m| SnapshotStatusMessage {
            message: m.content.clone(),
            published_at: Some(m.published_at.to_string()),
            expires_at: m.expires_at.map(|at| at.to_string()),
            expires_in: None,
        });
    let layer = |location: &Option<Location>| {
        location.as_ref().map(|l| SnapshotLocation {
            work_location_type: l.work_location_type,
            place_id: l.place_id.clone(),
        })
    };
    let work_location = (state.location.manual.is_some() || state.location.automatic.is_some())
        .then(|| SnapshotWorkLocation {
            manual: layer(&state.location.manual),
            automatic: layer(&state.location.automatic),
        });
    let out_of_office = state
        .automatic_replies
        .as_ref()
        .map(|r| SnapshotOutOfOffice {
            message: r.message.clone(),
            start: r.start.map(|at| at.to_string()),
            starts_in: None,
            end: r.end.map(|at| at.to_string()),
            ends_in: None,
        });
    let mut calendar = state.calendar.clone();
    calendar.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    let calendar: Vec<SnapshotCalendarEntry> = calendar
        .into_iter()
        .map(|e| SnapshotCalendarEntry {
            id: Some(e.id),
            start: Some(e.start.to_string()),
            starts_in: None,
            end: Some(e.end.to_string()),
            ends_in: None,
            show_as: e.show_as.as_str().to_owned(),
            subject: e.subject,
        })
        .collect();
    let empty = sessions.is_empty()
        && preferred_presence.is_none()
        && status_message.is_none()
        && work_location.is_none()
        && out_of_office.is_none()
        && calendar.is_empty();
    (!empty).then_some(SnapshotUser {
        id,
        sessions,
        preferred_presence,
        status_message,
        work_location,
        out_of_office,
        calendar,
    })
}

fn subscription(record: &SubscriptionRecord) -> SnapshotSubscription {
    SnapshotSubscription {
        id: record.id.clone(),
        application_id: record.application_id.clone(),
        creator_id: record.creator_id.clone(),
        resource: record.resource.clone(),
        notification_url: record.notification_url.clone(),
        lifecycle_notification_url: record.lifecycle_notification_url.clone(),
        client_state: record.client_state.clone(),
        expiration_date_time: Some(record.expires_at.to_string()),
        expires_in: None,
        encryption_certificate: record.encryption.as_ref().map(|e| e.certificate.clone()),
        encryption_certificate_id: record.encryption.as_ref().map(|e| e.certificate_id.clone()),
    }
}
