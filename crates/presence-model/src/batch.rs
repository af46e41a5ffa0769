//! JSON batching (`POST /$batch`): up to 20 requests in one, as Graph's SDKs send them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /$batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BatchRequest {
    /// 1 to 20 requests, each with an id unique in the batch.
    #[schema(min_items = 1, max_items = 20)]
    pub requests: Vec<BatchRequestItem>,
}

/// One request of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequestItem {
    /// Unique in the batch; answers carry it back.
    #[schema(min_length = 1, max_length = 256)]
    pub id: String,
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    #[schema(min_length = 1)]
    pub method: String,
    /// Relative to the version: `/users/{id}/presence` or `users/{id}/presence`.
    #[schema(min_length = 1)]
    pub url: String,
    /// Request headers; `Content-Type` is required with a body (`application/json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// The JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub body: Option<serde_json::Value>,
    /// Ids of requests of this batch that must succeed first; if one fails, this one answers
    /// 424 without running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
}

/// The answer of `POST /$batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BatchResponse {
    /// One per request, in the order of the requests.
    pub responses: Vec<BatchResponseItem>,
}

/// The answer to one request of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BatchResponseItem {
    pub id: String,
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The JSON answer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub body: Option<serde_json::Value>,
}
