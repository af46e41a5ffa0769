//! The body deadline: a request's whole body must arrive within `--body-timeout` of its head.
//!
//! actix bounds the time to send a head (`client_request_timeout`) but not a body: a POST that
//! announces 1,000 bytes and sends one held its in-flight slot forever. Here the body stream is
//! wrapped so that, past the deadline, reading it fails; the body extractors
//! (`routes::body`) turn that into 408 with the Graph envelope, and the connection is closed
//! (what remains of the body on it cannot be told from a next request).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use tokio::time::{Instant, Sleep};
use tokio_stream::Stream;

/// How long a body may take (app data; the middleware does nothing without it).
#[derive(Debug, Clone, Copy)]
pub struct BodyDeadline(pub Duration);

/// Whether a payload error is the deadline passing.
pub fn is_deadline(error: &PayloadError) -> bool {
    matches!(error, PayloadError::Io(e) if e.kind() == io::ErrorKind::TimedOut)
}

/// Middleware: bounds the body of every request that has one.
pub async fn enforce(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let deadline = req.app_data::<web::Data<BodyDeadline>>().map(|d| d.0);
    let has_body = req.headers().contains_key(TRANSFER_ENCODING)
        || req
            .headers()
            .get(CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0");
    if let (Some(deadline), true) = (deadline, has_body) {
        let inner = req.take_payload();
        let bounded = Bounded {
            inner,
            timer: Box::pin(tokio::time::sleep_until(Instant::now() + deadline)),
            expired: false,
        };
        req.set_payload(Payload::from(
            Box::pin(bounded) as Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>
        ));
    }
    next.call(req).await
}

/// A body stream that fails once its deadline has passed.
struct Bounded {
    inner: Payload,
    timer: Pin<Box<Sleep>>,
    expired: bool,
}

impl Stream for Bounded {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            return Poll::Ready(item);
        }
        if this.timer.as_mut().poll(cx).is_ready() {
            this.expired = true;
            return Poll::Ready(Some(Err(PayloadError::Io(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            )))));
        }
        Poll::Pending
    }
}
