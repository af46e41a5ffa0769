//! `GET /metrics`: the Prometheus scrape endpoint (no token, like `/livez`: it reveals counts
//! per operation, never a tenant, user or body). 404 with `--metrics false`.

use actix_web::HttpResponse;

use crate::error::GraphError;

/// The service's metrics in the OpenMetrics text format.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "operations",
    security(()),
    responses(
        (status = 200, description = "OpenMetrics text.", content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8", body = String),
        (status = 404, description = "Metrics are off (`--metrics false`).", body = presence_model::ODataError),
        (status = 503, description = "`serviceNotAvailable`: shed under load; try again after Retry-After.", body = presence_model::ODataError,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    )
)]
pub async fn metrics() -> Result<HttpResponse, GraphError> {
    let metrics = crate::metrics::get()
        .ok_or_else(|| GraphError::not_found("Metrics are off (--metrics false)."))?;
    Ok(HttpResponse::Ok()
        .insert_header((
            "content-type",
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        ))
        .body(metrics.render()))
}
