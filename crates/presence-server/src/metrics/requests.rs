//! The request metrics' middleware: one count and one latency per API request, labelled by
//! operation (the API description's operation id, `unknown` for paths it does not describe)
//! and status. Paths outside the API (the control plane, health, docs, `/metrics` itself) are
//! not counted.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::{OperationLabel, RequestLabels, get};
use crate::operations;

pub async fn measure(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(metrics) = get().filter(|_| !crate::surface::outside_the_api(req.path())) else {
        return next.call(req).await;
    };
    let started = Instant::now();
    let operation = operations::of(&req).unwrap_or("unknown");
    let answer = next.call(req).await;
    let status = match &answer {
        Ok(response) => response.status().as_u16(),
        Err(error) => error.as_response_error().status_code().as_u16(),
    };
    metrics
        .requests
        .get_or_create(&RequestLabels { operation, status })
        .inc();
    metrics
        .request_duration
        .get_or_create(&OperationLabel { operation })
        .observe(started.elapsed().as_secs_f64());
    answer
}
