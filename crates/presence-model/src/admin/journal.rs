//! The request journal (`GET /admin/requests`) and the delivery journal
//! (`GET /admin/deliveries`): what an app sent, and what its receivers were sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One API request as the server handled it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// Position in the journal: grows by one per request (`after` pages from it).
    pub sequence: i64,
    /// When the request arrived (RFC 3339, wall clock).
    #[schema(format = DateTime)]
    pub time: String,
    pub method: String,
    /// Path and query as sent.
    pub path: String,
    /// The operation id (as in this document), when the path names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub status: u16,
    pub duration_ms: f64,
    /// The caller's tenant, application and signed-in user, when its token was valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// The user the request is about (path `{id}`, or the signed-in user for `/me`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    pub request_id: String,
    pub client_request_id: String,
    /// The fault rule that answered or delayed this request, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// With `--journal-bodies`: the request's headers (`Authorization` redacted), bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

/// Journal entries, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RequestRecordCollection {
    pub value: Vec<RequestRecord>,
}

/// One attempt to deliver a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttempt {
    /// Position in the journal: grows by one per attempt.
    pub sequence: i64,
    /// When the attempt started (RFC 3339, wall clock).
    #[schema(format = DateTime)]
    pub time: String,
    pub tenant: String,
    pub subscription_id: String,
    pub notification_id: String,
    /// The user the notification is about (empty for a lifecycle notification).
    pub user: String,
    /// For a lifecycle notification, its event (`reauthorizationRequired`,
    /// `subscriptionRemoved`, `missed`); it went to `notificationUrl`, which then holds the
    /// subscription's `lifecycleNotificationUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_event: Option<String>,
    pub notification_url: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// `delivered`, `retrying` or `dropped`.
    pub outcome: String,
    /// The receiver's status, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why the attempt failed without a status (connection refused, timeout, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub duration_ms: f64,
    /// When the next attempt is due (`retrying` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub next_retry: Option<String>,
    /// The fault rule that changed this attempt, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// Delivery attempts, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryAttemptCollection {
    pub value: Vec<DeliveryAttempt>,
}
