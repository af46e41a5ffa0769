//! Graph's presence throttling, off by default: at most N requests per 30 seconds per
//! application per tenant; past that, 429 `TooManyRequests` with `Retry-After` (seconds until
//! the window ends). Graph's own limit is 10,000 per 30 s (`--throttle 10000`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;

use crate::auth::Caller;
use crate::error::GraphError;

/// Length of a throttling window.
pub const WINDOW: Duration = Duration::from_secs(30);

/// Request counters per (tenant, application), in fixed windows.
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    windows: Mutex<HashMap<(String, String), (Instant, u32)>>,
}

impl Throttle {
    pub fn new(limit: u32) -> Self {
        Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `caller` at `now`; 429 once the window's budget is spent.
    pub fn admit(&self, caller: &Caller, now: Instant) -> Result<(), GraphError> {
        let key = (
            caller.tenant.clone(),
            caller.app_id.clone().unwrap_or_default(),
        );
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 100_000 {
            // Forget finished windows so idle callers do not accumulate.
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.limit {
            let retry_after = WINDOW
                .saturating_sub(now.duration_since(*start))
                .as_secs()
                .max(1);
            return Err(GraphError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!(
                    "Too many requests: at most {} per {} s per application and tenant.",
                    self.limit,
                    WINDOW.as_secs()
                ),
            )
            .with_header("retry-after", retry_after.to_string()));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::CallerKind;

    fn app(tenant: &str, app: &str) -> Caller {
        Caller {
            expires_at: None,
            tenant: tenant.into(),
            app_id: Some(app.into()),
            kind: CallerKind::Application { roles: Vec::new() },
        }
    }

    #[test]
    fn limit_per_application_and_tenant_per_window() {
        let throttle = Throttle::new(2);
        let t0 = Instant::now();
        let a = app("t1", "a");
        assert!(throttle.admit(&a, t0).is_ok());
        assert!(throttle.admit(&a, t0).is_ok());
        let refused = throttle
            .admit(&a, t0 + Duration::from_secs(10))
            .expect_err("over the limit");
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.headers.contains(&("retry-after", "20".to_owned())));
        // Other applications and other tenants have their own budget.
        assert!(throttle.admit(&app("t1", "b"), t0).is_ok());
        assert!(throttle.admit(&app("t2", "a"), t0).is_ok());
        // A new window starts afresh.
        assert!(throttle.admit(&a, t0 + WINDOW).is_ok());
    }
}
