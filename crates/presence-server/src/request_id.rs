//! Correlation ids. Every response carries `request-id` (ours, a fresh UUID) and
//! `client-request-id` (the caller's header echoed, or the request id when none was sent),
//! and every error envelope repeats both in `innerError`.
//!
//! The ids live in a task-local for the duration of the request, so that an error can be
//! rendered anywhere below the middleware without threading the request through.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use uuid::Uuid;

/// Header with the server's id for a request.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
/// Header with the caller's own id for a request.
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// The longest `client-request-id` echoed back; a longer one is replaced by the request id.
const MAX_CLIENT_REQUEST_ID: usize = 200;

/// The ids of the request being handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestIds {
    pub request_id: String,
    pub client_request_id: String,
}

/// A random (version 4) UUID for a request id, from a per-thread generator seeded once from
/// the operating system: `Uuid::new_v4` asks the kernel for every id (a `getrandom` system
/// call, measured at 2 % of a presence read). Request ids must be unique, not secret.
pub fn fresh_id() -> Uuid {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(Uuid::new_v4().as_u64_pair().0);
    }
    /// SplitMix64: a full-period 64-bit generator, each output a good mix of the counter.
    fn next(state: &Cell<u64>) -> u64 {
        let seed = state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        state.set(seed);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    let (high, low) = STATE.with(|state| (next(state), next(state)));
    uuid::Builder::from_random_bytes((u128::from(high) << 64 | u128::from(low)).to_le_bytes())
        .into_uuid()
}

tokio::task_local! {
    static CURRENT: RequestIds;
}

/// The ids of the request this task is handling; fresh ones outside a request.
pub fn current() -> RequestIds {
    CURRENT.try_with(Clone::clone).unwrap_or_else(|_| {
        let id = fresh_id().to_string();
        RequestIds {
            request_id: id.clone(),
            client_request_id: id,
        }
    })
}

/// Middleware: assigns the ids, makes them current while the request is handled, and adds
/// both headers to the response (success or error).
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = fresh_id().to_string();
    let client_request_id = req
        .headers()
        .get(&CLIENT_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty() && value.len() <= MAX_CLIENT_REQUEST_ID)
        .map_or_else(|| request_id.clone(), str::to_owned);
    let ids = RequestIds {
        request_id,
        client_request_id,
    };
    // Handler and extractor errors are rendered into responses inside this scope, so their
    // envelopes carry these ids. (Cloning the request here is not an option: routing needs
    // exclusive access to it.)
    let mut response = CURRENT.scope(ids.clone(), next.call(req)).await?;
    let headers = response.headers_mut();
    for (name, value) in [
        (REQUEST_ID, ids.request_id),
        (CLIENT_REQUEST_ID, ids.client_request_id),
    ] {
        if let Ok(value) = HeaderValue::try_from(value) {
            headers.insert(name, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_ids_are_version_4_and_distinct() {
        let ids: std::collections::HashSet<Uuid> = (0..10_000).map(|_| fresh_id()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| id.get_version_num() == 4));
    }
}
