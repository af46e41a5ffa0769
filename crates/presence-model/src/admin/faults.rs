//! Fault rules (`/admin/faults`): failures, latency and dropped connections on demand, for
//! API requests and for outgoing notifications.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A rule: which requests (or deliveries) it applies to, and what it does to them. At least
/// one effect (`respond`, `delay`, `drop`, `duplicate`) is required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// Set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(read_only)]
    pub id: Option<String>,
    /// `requests` (API requests, the default) or `deliveries` (outgoing notifications).
    #[serde(default = "requests", rename = "on")]
    #[schema(pattern = "^(requests|deliveries)$", example = "requests")]
    pub applies_to: String,
    /// What the rule applies to; every field given must match (none: everything).
    #[serde(default, rename = "match")]
    pub matches: FaultMatch,
    /// Answer with this error instead of running the request (requests), or count the
    /// delivery as answered with this status without sending it (deliveries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond: Option<FaultResponse>,
    /// Latency added before the request runs or the delivery is sent: ISO 8601 (`PT2S`,
    /// `PT0.25S`), at most 60 seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "PT2S")]
    pub delay: Option<String>,
    /// Requests: the connection closes mid-answer (the status line is sent, the body is
    /// cut). Deliveries: counted as a connection failure without sending.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop: bool,
    /// Deliveries only: the notification is sent twice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
    /// Chance that a matching request is affected, 0 to 1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub probability: Option<f64>,
    /// How many times the rule fires before it is removed (default: until deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 1000000)]
    pub times: Option<u32>,
    /// How many times the rule has fired (set by the server).
    #[serde(default)]
    #[schema(read_only)]
    pub fired: u32,
}

fn requests() -> String {
    "requests".to_owned()
}

/// Which requests or deliveries a rule applies to. Delivery rules match on `tenant` and
/// `subscription` only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultMatch {
    /// Requests only: an operation id of this document (`set_presence`, `get_presence`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Requests only: an HTTP method (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Requests only: a path pattern, matched against the whole request path (without query): `*` stands
    /// for any characters, e.g. `/v1.0/users/*/presence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The caller's tenant (requests) or the subscription's (deliveries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The caller's application (requests only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// Deliveries only: one subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
}

/// The error a rule answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultResponse {
    /// 400 to 599.
    #[schema(minimum = 400, maximum = 599, example = 503)]
    pub status: u16,
    /// The envelope's `code` (default: Graph's code for the status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The envelope's `message` (default: says a fault rule answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Seconds for `Retry-After` (default 1 for 429 and 503), at most a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 86400)]
    pub retry_after: Option<u32>,
}

/// Fault rules, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FaultRuleCollection {
    pub value: Vec<FaultRule>,
}
