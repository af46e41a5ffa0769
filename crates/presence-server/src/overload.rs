//! Load shedding: a bounded number of requests in flight, shared fairly. Past the bound the
//! server answers 503 with `Retry-After` at once, instead of queueing without limit until every
//! request is slow (the collapse a presence service sees when all clients refresh together).
//!
//! Fairness: one tenant, and one application (across tenants), may hold at most a share of the
//! budget (`--max-in-flight-per-tenant`, a quarter by default), so a flood from one of them,
//! slow bodies included, leaves room for everyone else. Requests without a verified token (the
//! authority, discovery, the docs, `/metrics`, refused tokens) are counted by client address
//! instead (an IPv4 address, an IPv6 /64), each address with a share of the same size: a flood
//! of stalled anonymous requests from one address leaves the others served. With `--auth none` there is no identity to be fair
//! between: only the global bound applies. Health checks (`/livez`, `/healthz`) are never shed:
//! a saturated instance is busy, not dead, and a load balancer must not pull it for that.
//!
//! The caller is authenticated here, once; the result is left in the request's extensions for
//! the extractors of `routes::target` (so a token is verified once per request).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::auth::verify::AuthError;
use crate::auth::{Caller, CallerKind};
use crate::error::GraphError;

/// Seconds a shed client is told to wait.
const RETRY_AFTER_SECONDS: u32 = 1;

/// The in-flight budget shared by all workers, and what each tenant and application holds.
#[derive(Debug, Clone)]
pub struct InFlightLimit {
    permits: Arc<Semaphore>,
    /// Most slots one tenant (or one application, or the unauthenticated) may hold.
    share: usize,
    held: Arc<Mutex<HashMap<Bucket, usize>>>,
}

/// Who a slot is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Bucket {
    Tenant(String),
    Application(String),
    /// Requests without a verified token, by client address (IPv6: its /64).
    Address(std::net::IpAddr),
}

impl InFlightLimit {
    /// `share`: the most one tenant or application may hold (default: a quarter of the total).
    pub fn new(max_in_flight: usize, share: Option<usize>) -> Self {
        let max_in_flight = max_in_flight.max(1);
        Self {
            permits: Arc::new(Semaphore::new(max_in_flight)),
            share: share
                .unwrap_or(max_in_flight.div_ceil(4))
                .clamp(1, max_in_flight),
            held: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A slot for a request counted against `buckets`, or `None` when the instance or one of
    /// the buckets is full.
    fn admit(&self, buckets: Vec<Bucket>) -> Option<Slot> {
        let permit = self.permits.clone().try_acquire_owned().ok()?;
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets
            .iter()
            .any(|b| held.get(b).copied().unwrap_or(0) >= self.share)
        {
            return None;
        }
        for bucket in &buckets {
            *held.entry(bucket.clone()).or_insert(0) += 1;
        }
        drop(held);
        Some(Slot {
            _permit: permit,
            buckets,
            held: self.held.clone(),
        })
    }
}

/// A held slot: released (permit and bucket counts) when dropped, which happens when the
/// response is done or when the request is abandoned (its future dropped).
struct Slot {
    _permit: OwnedSemaphorePermit,
    buckets: Vec<Bucket>,
    held: Arc<Mutex<HashMap<Bucket, usize>>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        for bucket in &self.buckets {
            if let Some(count) = held.get_mut(bucket) {
                *count -= 1;
                if *count == 0 {
                    held.remove(bucket);
                }
            }
        }
    }
}

/// Where an unauthenticated request is counted: its address, or an IPv6 address's /64 (one
/// host commonly holds a whole /64).
fn address_bucket(peer: Option<std::net::IpAddr>) -> Bucket {
    let ip = match peer {
        Some(std::net::IpAddr::V6(ip)) => {
            let mut octets = ip.octets();
            octets[8..].fill(0);
            std::net::IpAddr::V6(std::net::Ipv6Addr::from(octets))
        }
        Some(ip) => ip,
        None => std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
    };
    Bucket::Address(ip)
}

/// The buckets a request from `peer` is counted against.
fn buckets_of(
    authenticated: &Result<Caller, AuthError>,
    peer: Option<std::net::IpAddr>,
) -> Vec<Bucket> {
    match authenticated {
        Ok(Caller {
            kind: CallerKind::Anonymous,
            ..
        }) => Vec::new(),
        Ok(caller) => {
            let mut buckets = vec![Bucket::Tenant(caller.tenant.clone())];
            buckets.extend(caller.app_id.clone().map(Bucket::Application));
            buckets
        }
        Err(_) => vec![address_bucket(peer)],
    }
}

/// Middleware: authenticates the caller, then holds a slot for the whole request, or sheds it
/// with 503.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limit = req.app_data::<web::Data<InFlightLimit>>().cloned();
    let limit = match limit {
        Some(limit) if !crate::surface::is_health(req.path()) => limit,
        _ => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
        }
    };
    // Verified here, once, for every later reader (`auth::request`).
    let authenticated = crate::auth::request::caller(req.request());
    // Behind a trusted proxy, the client it forwards for (`crate::public_url`).
    let peer = crate::public_url::PublicAddresses::of(req.request()).client_address(req.request());
    let buckets = authenticated
        .as_ref()
        .map(|authenticated| buckets_of(authenticated, peer))
        .unwrap_or_default();
    let Some(slot) = limit.admit(buckets) else {
        // In the shape of the operation's other errors: the authority's own where it has one.
        let response = req
            .match_pattern()
            .and_then(|pattern| {
                crate::authority::responses::overloaded(&pattern, RETRY_AFTER_SECONDS.into())
            })
            .unwrap_or_else(|| GraphError::overloaded(RETRY_AFTER_SECONDS).error_response());
        return Ok(req.into_response(response));
    };
    let response = next.call(req).await;
    drop(slot);
    response.map(ServiceResponse::map_into_boxed_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(tenant: &str, app: &str) -> Result<Caller, AuthError> {
        Ok(Caller {
            expires_at: None,
            tenant: tenant.into(),
            app_id: Some(app.into()),
            kind: CallerKind::Application { roles: Vec::new() },
        })
    }

    #[test]
    fn one_tenant_or_application_holds_at_most_its_share() {
        let limit = InFlightLimit::new(8, None);
        let a: Vec<Slot> = (0..2)
            .map(|_| {
                limit
                    .admit(buckets_of(&app("a", "x"), None))
                    .expect("within share")
            })
            .collect();
        assert!(
            limit.admit(buckets_of(&app("a", "y"), None)).is_none(),
            "tenant a is at its share"
        );
        assert!(
            limit.admit(buckets_of(&app("b", "x"), None)).is_none(),
            "application x is too"
        );
        let b = limit
            .admit(buckets_of(&app("b", "y"), None))
            .expect("b/y has room");
        drop(a);
        assert!(
            limit.admit(buckets_of(&app("a", "x"), None)).is_some(),
            "released on drop"
        );
        drop(b);
        let held = limit.held.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(held.is_empty(), "no count is left behind: {held:?}");
    }

    #[test]
    fn without_identity_only_the_global_bound_applies() {
        let limit = InFlightLimit::new(3, None);
        let slots: Vec<Slot> = (0..3)
            .map(|_| {
                limit
                    .admit(buckets_of(&Ok(Caller::anonymous()), None))
                    .expect("room")
            })
            .collect();
        assert!(limit.admit(Vec::new()).is_none(), "the instance is full");
        drop(slots);
        let refused: Result<Caller, AuthError> = Err(AuthError::invalid("bad"));
        assert!(limit.admit(buckets_of(&refused, None)).is_some());
    }

    #[test]
    fn requests_without_a_token_share_by_address_and_an_ipv6_64() {
        let limit = InFlightLimit::new(8, Some(2));
        let refused: Result<Caller, AuthError> = Err(AuthError::invalid("none"));
        let ip = |text: &str| Some(text.parse::<std::net::IpAddr>().expect("an address"));
        let flood: Vec<Slot> = (0..2)
            .map(|_| {
                limit
                    .admit(buckets_of(&refused, ip("127.0.0.2")))
                    .expect("room")
            })
            .collect();
        assert!(limit.admit(buckets_of(&refused, ip("127.0.0.2"))).is_none());
        assert!(
            limit.admit(buckets_of(&refused, ip("127.0.0.3"))).is_some(),
            "another address"
        );
        let v6: Vec<Slot> = (0..2)
            .map(|_| {
                limit
                    .admit(buckets_of(&refused, ip("2001:db8::1")))
                    .expect("room")
            })
            .collect();
        assert!(
            limit
                .admit(buckets_of(&refused, ip("2001:db8::ffff")))
                .is_none(),
            "the same /64"
        );
        assert!(
            limit
                .admit(buckets_of(&refused, ip("2001:db8:0:1::1")))
                .is_some()
        );
        drop((flood, v6));
    }
}
