//! What the store keeps about subscriptions and their pending notifications, as plain values
//! (both backends read and write these).

use std::collections::HashMap;

use jiff::Timestamp;

use super::UserKey;
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
    /// When the access of the token that created (or last renewed or reauthorized) the
    /// subscription lapses, wall clock; `None` without authentication.
    pub access_expires_at: Option<Timestamp>,
    /// Whether `reauthorizationRequired` was sent since the last renewal or reauthorization.
    pub reauthorization_sent: bool,
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
    /// Where a `missed` lifecycle notification goes if this one is dropped.
    pub lifecycle_notification_url: Option<String>,
    pub client_state: Option<String>,
    pub subscription_expires_at: Timestamp,
    pub encryption: Option<Encryption>,
    /// The subscribing application (the `aud` of a rich notification's validation token).
    pub application_id: String,
    /// The subscription's `resource` (for lifecycle notifications).
    pub subscription_resource: String,
}

/// One followed user of one subscription, and what was last announced for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    pub subscription_id: String,
    pub user: UserKey,
    pub last: EffectivePresence,
}

/// Of a user's follows, as (subscription id, last announced availability, last announced
/// activity), the subscriptions whose last announcement differs from the user's `presence`
/// now: each owes the user a notification. Both backends decide with this.
pub(super) fn owing_notification(
    follows: Vec<(String, String, String)>,
    presence: EffectivePresence,
) -> Vec<String> {
    follows
        .into_iter()
        .filter(|(_, availability, activity)| {
            (availability.as_str(), activity.as_str())
                != (presence.availability.as_str(), presence.activity.as_str())
        })
        .map(|(subscription_id, _, _)| subscription_id)
        .collect()
}

/// Groups follows by user, for scanning.
pub fn by_user(follows: Vec<Follow>) -> HashMap<UserKey, Vec<Follow>> {
    let mut grouped: HashMap<UserKey, Vec<Follow>> = HashMap::new();
    for follow in follows {
        grouped.entry(follow.user.clone()).or_default().push(follow);
    }
    grouped
}
