//! The fault middleware of API requests. It runs after authentication (rules match on the
//! caller's tenant and application) and before the handler, so a faulted request changes
//! nothing: an error rule answers instead of the handler, a delay rule waits first.
//!
//! The control plane, health checks and docs are never faulted: a rule must not lock an
//! operator out of removing it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpResponse, ResponseError};

use super::{Applied, Faults, Subject, Target};
use crate::auth::request::Authenticated;
use crate::operations;

/// Middleware: applies the first rule that fires, if any.
pub async fn inject(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let faults = req.app_data::<web::Data<Faults>>().cloned();
    let faults = match faults {
        Some(faults) if faults.any() && !crate::surface::outside_the_api(req.path()) => faults,
        _ => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
        }
    };
    let operation = operations::of(&req);
    let effect = {
        let extensions = req.extensions();
        let caller = match extensions.get::<Authenticated>() {
            Some(Authenticated(Ok(caller))) => Some(caller),
            _ => None,
        };
        let subject = Subject {
            operation,
            method: Some(req.method().as_str()),
            path: Some(req.path()),
            tenant: caller.map(|c| c.tenant.as_str()),
            application: caller.and_then(|c| c.app_id.as_deref()),
            subscription: None,
        };
        faults.fire(Target::Requests, &subject)
    };
    let Some(effect) = effect else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    req.extensions_mut().insert(Applied(effect.rule_id.clone()));
    if let Some(delay) = effect.delay {
        tokio::time::sleep(delay).await;
    }
    if effect.drop {
        return Ok(req.into_response(dropped()));
    }
    if let Some(error) = effect.respond {
        return Ok(req.into_response(error.error_response()));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// An answer whose connection closes right after the status line and headers: the body
/// stream fails at once, so actix cuts the connection; clients see a transport error.
fn dropped() -> HttpResponse {
    let failing = tokio_stream::once(Err::<Bytes, _>(std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "dropped by a fault rule",
    )));
    HttpResponse::Ok()
        .content_type("application/json")
        .streaming(failing)
}
