//! Load shedding: a bounded number of requests in flight. Past the bound the server answers
//! 503 with `Retry-After` at once, instead of queueing without limit until every request is
//! slow (the collapse a presence service sees when all clients refresh together).

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use tokio::sync::Semaphore;

use crate::error::GraphError;

/// Seconds a shed client is told to wait.
const RETRY_AFTER_SECONDS: u32 = 1;

/// The in-flight budget shared by all workers.
#[derive(Debug, Clone)]
pub struct InFlightLimit {
    permits: Arc<Semaphore>,
}

impl InFlightLimit {
    pub fn new(max_in_flight: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }
}

/// Middleware: holds a permit for the whole request, or sheds it with 503.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(limit) = req.app_data::<web::Data<InFlightLimit>>() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let Ok(permit) = limit.permits.clone().try_acquire_owned() else {
        let response = GraphError::overloaded(RETRY_AFTER_SECONDS).error_response();
        return Ok(req.into_response(response));
    };
    let response = next.call(req).await;
    drop(permit);
    response.map(ServiceResponse::map_into_boxed_body)
}
