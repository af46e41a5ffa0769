//! `GET`/`DELETE /admin/requests` and `/admin/deliveries`: the journals, newest first.

use actix_web::{HttpResponse, web};
use presence_model::{
    DeliveryAttempt, DeliveryAttemptCollection, RequestRecord, RequestRecordCollection,
};
use serde::Deserialize;

use super::AdminCaller;
use crate::error::{ErrorResponses, GraphError};
use crate::http::fallback::method_not_allowed;
use crate::journal::Journal;

/// Entries a page holds unless `top` says otherwise.
const DEFAULT_TOP: usize = 100;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/requests")
            .get(list_requests)
            .delete(clear_requests)
            .default_service(method_not_allowed("GET, DELETE")),
    )
    .service(
        web::resource("/admin/deliveries")
            .get(list_deliveries)
            .delete(clear_deliveries)
            .default_service(method_not_allowed("GET, DELETE")),
    );
}

/// Filters of `GET /admin/requests`; all given must hold.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestFilter {
    /// Operation id (`set_presence`, …).
    pub operation: Option<String>,
    /// HTTP status of the answer.
    pub status: Option<u16>,
    pub tenant: Option<String>,
    pub application: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    pub since: Option<String>,
    /// Only entries whose `sequence` is greater (to follow the journal).
    pub after: Option<i64>,
    /// At most this many entries (default 100).
    #[param(value_type = Option<usize>, minimum = 1)]
    pub top: Option<std::num::NonZeroUsize>,
}

/// Filters of `GET /admin/deliveries`; all given must hold.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    pub subscription: Option<String>,
    pub tenant: Option<String>,
    /// `delivered`, `retrying` or `dropped`.
    pub outcome: Option<String>,
    /// Only attempts at or after this time (RFC 3339).
    pub since: Option<String>,
    /// Only attempts whose `sequence` is greater.
    pub after: Option<i64>,
    /// At most this many attempts (default 100).
    #[param(value_type = Option<usize>, minimum = 1)]
    pub top: Option<std::num::NonZeroUsize>,
}

/// `since` as a time, or the reason it is not one.
fn since(text: Option<&str>) -> Result<Option<jiff::Timestamp>, GraphError> {
    text.map(|text| {
        text.parse::<jiff::Timestamp>().map_err(|_| {
            GraphError::bad_request("'since' is an RFC 3339 time.").with_target("since")
        })
    })
    .transpose()
}

fn at_or_after(time: &str, since: Option<jiff::Timestamp>) -> bool {
    since.is_none_or(|since| time.parse::<jiff::Timestamp>().is_ok_and(|t| t >= since))
}

/// The request journal, newest first (`--journal N` entries at most; empty with
/// `--journal 0`). Requests to `/admin`, health checks and docs are not journaled.
#[utoipa::path(
    get,
    path = "/admin/requests",
    operation_id = "admin_list_requests",
    tag = "admin",
    params(RequestFilter),
    responses(
        (status = 200, description = "Matching requests, newest first.", body = RequestRecordCollection),
        ErrorResponses,
    )
)]
pub async fn list_requests(
    _admin: AdminCaller,
    journal: web::Data<Journal>,
    filter: web::Query<RequestFilter>,
) -> Result<web::Json<RequestRecordCollection>, GraphError> {
    let since = since(filter.since.as_deref())?;
    let keep = |entry: &RequestRecord| {
        filter.after.is_none_or(|after| entry.sequence > after)
            && filter.status.is_none_or(|status| entry.status == status)
            && same(&filter.operation, entry.operation.as_deref())
            && same(&filter.tenant, entry.tenant.as_deref())
            && same(&filter.application, entry.application.as_deref())
            && at_or_after(&entry.time, since)
    };
    let value = journal
        .requests
        .newest(filter.top.map_or(DEFAULT_TOP, |top| top.get()), keep);
    Ok(web::Json(RequestRecordCollection { value }))
}

/// Empty the request journal.
#[utoipa::path(
    delete,
    path = "/admin/requests",
    operation_id = "admin_clear_requests",
    tag = "admin",
    responses((status = 204, description = "Emptied."), ErrorResponses)
)]
pub async fn clear_requests(_admin: AdminCaller, journal: web::Data<Journal>) -> HttpResponse {
    journal.requests.clear();
    HttpResponse::NoContent().finish()
}

/// Every notification attempt, newest first: subscription, attempt number, the receiver's
/// status or the error, and when the next attempt is due.
#[utoipa::path(
    get,
    path = "/admin/deliveries",
    operation_id = "admin_list_deliveries",
    tag = "admin",
    params(DeliveryFilter),
    responses(
        (status = 200, description = "Matching attempts, newest first.", body = DeliveryAttemptCollection),
        ErrorResponses,
    )
)]
pub async fn list_deliveries(
    _admin: AdminCaller,
    journal: web::Data<Journal>,
    filter: web::Query<DeliveryFilter>,
) -> Result<web::Json<DeliveryAttemptCollection>, GraphError> {
    let since = since(filter.since.as_deref())?;
    let keep = |entry: &DeliveryAttempt| {
        filter.after.is_none_or(|after| entry.sequence > after)
            && same(&filter.subscription, Some(&entry.subscription_id))
            && same(&filter.tenant, Some(&entry.tenant))
            && same(&filter.outcome, Some(&entry.outcome))
            && at_or_after(&entry.time, since)
    };
    let value = journal
        .deliveries
        .newest(filter.top.map_or(DEFAULT_TOP, |top| top.get()), keep);
    Ok(web::Json(DeliveryAttemptCollection { value }))
}

/// Empty the delivery journal.
#[utoipa::path(
    delete,
    path = "/admin/deliveries",
    operation_id = "admin_clear_deliveries",
    tag = "admin",
    responses((status = 204, description = "Emptied."), ErrorResponses)
)]
pub async fn clear_deliveries(_admin: AdminCaller, journal: web::Data<Journal>) -> HttpResponse {
    journal.deliveries.clear();
    HttpResponse::NoContent().finish()
}

fn same(want: &Option<String>, have: Option<&str>) -> bool {
    want.as_deref().is_none_or(|want| have == Some(want))
}
