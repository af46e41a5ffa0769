//! Change notifications: subscriptions to presence changes, and what is delivered.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A subscription to presence changes (Graph's `subscription` entity).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// OData context URL of the response.
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_context: Option<String>,
    /// Set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `communications/presences/{id}` or
    /// `/communications/presences?$filter=id in ('{id}', ...)` (at most 650 ids).
    #[schema(min_length = 1)]
    pub resource: String,
    /// `updated`, the only change type presence supports.
    #[schema(pattern = "^updated$", example = "updated")]
    pub change_type: String,
    /// Where notifications are POSTed; validated with a handshake before creation.
    #[schema(
        max_length = 2048,
        pattern = r"^https?://[^\s\u0000-\u001F\u007F-\u009F]+$"
    )]
    pub notification_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 2048,
        pattern = r"^https?://[^\s\u0000-\u001F\u007F-\u009F]+$"
    )]
    pub lifecycle_notification_url: Option<String>,
    /// RFC 3339; at most one hour ahead.
    #[schema(format = DateTime)]
    pub expiration_date_time: String,
    /// Echoed in every notification (at most 128 characters).
    #[serde(default)]
    #[schema(max_length = 128)]
    pub client_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_resource_data: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_certificate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_certificate_id: Option<String>,
    /// The subscribing application (set by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// The signed-in user who subscribed (set by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_supported_tls_version: Option<String>,
}

/// Body of `PATCH /subscriptions/{id}`: renew (or move) a subscription.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub expiration_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 2048,
        pattern = r"^https?://[^\s\u0000-\u001F\u007F-\u009F]+$"
    )]
    pub notification_url: Option<String>,
    /// Read only to be refused: as on Graph, a `lifecycleNotificationUrl` cannot be added to
    /// (or changed on) an existing subscription; create a new one.
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub lifecycle_notification_url: Option<serde_json::Value>,
}

/// The answer of `GET /subscriptions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionCollection {
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_context: Option<String>,
    pub value: Vec<Subscription>,
}

/// What a notification endpoint receives: a `changeNotificationCollection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeNotificationCollection {
    pub value: Vec<ChangeNotification>,
    /// Rich notifications only: one JWT per (application, tenant) in `value`, signed with the
    /// server's key (its JWKS: `GET /{tenant}/discovery/v2.0/keys`), proving the server sent
    /// them. Claims as Graph's: `aud` the subscribing application, `iss`
    /// `https://sts.windows.net/{tenant}/`, `appid` Graph's change-notification publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_tokens: Option<Vec<String>>,
}

/// What a `lifecycleNotificationUrl` receives: a `changeNotificationCollection` of lifecycle
/// notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LifecycleNotificationCollection {
    pub value: Vec<LifecycleNotification>,
}

/// One lifecycle event of one subscription (Graph: change-notifications-lifecycle-events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleNotification {
    pub id: String,
    pub subscription_id: String,
    pub subscription_expiration_date_time: String,
    pub tenant_id: String,
    pub client_state: Option<String>,
    pub lifecycle_event: LifecycleEvent,
    /// The subscription's resource.
    pub resource: String,
}

/// Why a lifecycle notification was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum LifecycleEvent {
    /// The subscription expires, or the access of the token that made or last renewed it
    /// lapses, within the lead time (`--reauthorization-lead`): reauthorize (`POST
    /// …/reauthorize`) or renew (`PATCH`).
    ReauthorizationRequired,
    /// The subscription was deleted by the server (a reset through the control plane).
    SubscriptionRemoved,
    /// Notifications were lost (one was dropped after four hours of failed deliveries): read
    /// the current presence again.
    Missed,
}

impl LifecycleEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleEvent::ReauthorizationRequired => "reauthorizationRequired",
            LifecycleEvent::SubscriptionRemoved => "subscriptionRemoved",
            LifecycleEvent::Missed => "missed",
        }
    }
}

/// One change of one user's presence, for one subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeNotification {
    pub id: String,
    pub subscription_id: String,
    pub subscription_expiration_date_time: String,
    pub client_state: Option<String>,
    pub change_type: String,
    /// `communications/presences/{user id}`.
    pub resource: String,
    pub tenant_id: String,
    /// Legacy duplicate of `tenantId` that Graph still sends.
    pub organization_id: String,
    pub resource_data: PresenceResourceData,
    /// Rich notifications only: the resource data, encrypted for the subscriber.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_content: Option<ChangeNotificationEncryptedContent>,
}

/// The encrypted resource data of a rich notification (Graph reference §11.6-11.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeNotificationEncryptedContent {
    /// Base64 AES-256-CBC ciphertext (PKCS7; IV = first 16 bytes of the key).
    pub data: String,
    /// Base64 HMAC-SHA256 of the ciphertext, keyed with the symmetric key.
    pub data_signature: String,
    /// Base64 symmetric key, RSA-OAEP (SHA-1) encrypted with the subscriber's certificate.
    pub data_key: String,
    pub encryption_certificate_id: String,
    /// SHA-1 thumbprint of the certificate, upper-case hex.
    pub encryption_certificate_thumbprint: String,
}

/// `resourceData` of a presence notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PresenceResourceData {
    /// `users/{user id}/presence`.
    #[serde(rename = "@odata.id")]
    pub odata_id: String,
    /// `#microsoft.graph.presence`.
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub id: String,
    /// The new availability (Graph puts it only in encrypted rich notifications; sent in
    /// clear here so receivers need no second request, unless the server runs with
    /// `--notifications graph`, which sends exactly Graph's shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<crate::Availability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<crate::Activity>,
}
