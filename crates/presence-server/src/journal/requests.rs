//! The request journal's middleware: one [`RequestRecord`] per Graph API request, written
//! when its answer is ready (streams: when they start).
//!
//! Not journaled: the control plane itself (`/admin`: reading the journal must not fill it),
//! health checks, the API description and the docs.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpResponse};
use presence_model::RequestRecord;
use tokio_stream::Stream;

use super::{Journal, MAX_BODY};
use crate::auth::CallerKind;
use crate::auth::request::Authenticated;
use crate::faults::Applied;
use crate::operations;
use crate::request_id;

/// Middleware: records the request once its answer is ready.
pub async fn record(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let journal = req.app_data::<web::Data<Journal>>().cloned();
    let Some(journal) = journal.filter(|j| j.requests.is_on() && journaled(req.path())) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let started = Instant::now();
    let time = jiff::Timestamp::now();
    let method = req.method().as_str().to_owned();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned());
    let operation = operations::of(&req);
    let (request_headers, request_body) = if journal.bodies {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let tee = Tee {
            inner: req.take_payload(),
            kept: kept.clone(),
        };
        req.set_payload(Payload::from(
            Box::pin(tee) as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>
        ));
        (Some(super::redact::headers(req.headers())), Some(kept))
    } else {
        (None, None)
    };
    let response = next.call(req).await?.map_into_boxed_body();
    let (response, response_body) = if journal.bodies {
        keep_body(response).await
    } else {
        (response, None)
    };
    let ids = request_id::current();
    let request = response.request();
    let mut entry = RequestRecord {
        sequence: 0,
        time: time.to_string(),
        method,
        path,
        operation: operation.map(str::to_owned),
        status: response.status().as_u16(),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        tenant: None,
        application: None,
        user: request.match_info().get("id").map(str::to_ascii_lowercase),
        request_id: ids.request_id,
        client_request_id: ids.client_request_id,
        fault: request.extensions().get::<Applied>().map(|a| a.0.clone()),
        request_headers,
        request_body: request_body.map(|kept| {
            let kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
            super::redact::body(&String::from_utf8_lossy(&kept))
        }),
        response_body,
    };
    if let Some(Authenticated(Ok(caller))) = request.extensions().get::<Authenticated>() {
        entry.tenant = Some(caller.tenant.clone());
        entry.application = caller.app_id.clone();
        if let (None, CallerKind::Delegated { user, .. }) = (&entry.user, &caller.kind) {
            entry.user = Some(user.clone());
        }
    }
    journal.requests.push(entry);
    Ok(response)
}

fn journaled(path: &str) -> bool {
    !crate::surface::outside_the_api(path)
}

/// The response with its body kept (up to [`MAX_BODY`]); event streams are left alone.
async fn keep_body(
    response: ServiceResponse<BoxBody>,
) -> (ServiceResponse<BoxBody>, Option<String>) {
    let streaming = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/event-stream"));
    if streaming {
        return (response, None);
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    // Our answers are small JSON documents, never past the 64 KiB the limit allows.
    let bytes = actix_web::body::to_bytes_limited(body, 4 * MAX_BODY)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let kept = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_BODY)]).into_owned();
    let response: HttpResponse = head.set_body(BoxBody::new(bytes));
    (ServiceResponse::new(request, response), Some(kept))
}

/// A request body stream that keeps a copy of the first [`MAX_BODY`] bytes.
struct Tee {
    inner: Payload,
    kept: Arc<Mutex<Vec<u8>>>,
}

impl Stream for Tee {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let item = Pin::new(&mut this.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &item {
            let mut kept = this.kept.lock().unwrap_or_else(PoisonError::into_inner);
            let room = MAX_BODY.saturating_sub(kept.len());
            kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        item
    }
}
