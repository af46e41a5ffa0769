//! One fault rule, checked once when it is added and then matched against requests or
//! deliveries.

use std::time::Duration;

use actix_web::http::StatusCode;
use presence_model::{FaultMatch, FaultRule};

use crate::error::GraphError;

/// Longest latency a rule may add.
const MAX_DELAY: Duration = Duration::from_secs(60);
/// Longest `Retry-After` a rule may ask for, in seconds.
const MAX_RETRY_AFTER: u32 = 86_400;
/// Most firings a counted rule may be given.
const MAX_TIMES: u32 = 1_000_000;
/// Longest pattern or match value kept.
const MAX_TEXT: usize = 1024;

/// What a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Requests,
    Deliveries,
}

/// What is known of a request or delivery when rules are matched.
#[derive(Debug, Default)]
pub struct Subject<'a> {
    pub operation: Option<&'a str>,
    pub method: Option<&'a str>,
    pub path: Option<&'a str>,
    pub tenant: Option<&'a str>,
    pub application: Option<&'a str>,
    pub subscription: Option<&'a str>,
}

/// A rule as kept: the wire form (with `fired` kept up to date) and what was parsed from it.
#[derive(Debug, Clone)]
pub struct Rule {
    pub wire: FaultRule,
    pub target: Target,
    pub delay: Option<Duration>,
}

/// What a rule that fired does.
#[derive(Debug, Clone)]
pub struct Effect {
    pub rule_id: String,
    pub delay: Option<Duration>,
    /// The error to answer with (requests), or the status to record (deliveries).
    pub respond: Option<GraphError>,
    pub drop: bool,
    pub duplicate: bool,
}

impl Rule {
    /// Checks `wire` and gives it `id`; the reason it is refused otherwise.
    pub fn new(mut wire: FaultRule, id: String) -> Result<Self, GraphError> {
        let invalid = |message: &str, target: &'static str| {
            GraphError::invalid_argument(message.to_owned()).with_target(target)
        };
        let target = match wire.applies_to.as_str() {
            "requests" => Target::Requests,
            "deliveries" => Target::Deliveries,
            _ => return Err(invalid("'on' is 'requests' or 'deliveries'.", "on")),
        };
        let delay = match &wire.delay {
            None => None,
            Some(text) => {
                let delay = text
                    .parse::<jiff::SignedDuration>()
                    .ok()
                    .and_then(|d| Duration::try_from(d).ok())
                    .filter(|d| *d <= MAX_DELAY)
                    .ok_or_else(|| {
                        invalid("'delay' is an ISO 8601 duration of at most PT60S.", "delay")
                    })?;
                Some(delay)
            }
        };
        if let Some(respond) = &wire.respond {
            if !(400..=599).contains(&respond.status) {
                return Err(invalid("'respond.status' is 400 to 599.", "respond"));
            }
            if respond.retry_after.is_some_and(|s| s > MAX_RETRY_AFTER) {
                return Err(invalid("'respond.retryAfter' is at most 86400.", "respond"));
            }
            let texts = [&respond.code, &respond.message];
            if texts
                .iter()
                .filter_map(|t| t.as_deref())
                .any(|t| t.len() > MAX_TEXT)
            {
                return Err(invalid(
                    "'respond.code' or 'respond.message' is too long.",
                    "respond",
                ));
            }
        }
        if wire.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
            return Err(invalid("'probability' is 0 to 1.", "probability"));
        }
        if wire
            .times
            .is_some_and(|times| times == 0 || times > MAX_TIMES)
        {
            return Err(invalid("'times' is 1 to 1000000.", "times"));
        }
        if wire.respond.is_none() && delay.is_none() && !wire.drop && !wire.duplicate {
            return Err(invalid(
                "A rule needs an effect: 'respond', 'delay', 'drop' or 'duplicate'.",
                "respond",
            ));
        }
        if wire.duplicate && target == Target::Requests {
            return Err(invalid(
                "'duplicate' applies to deliveries only.",
                "duplicate",
            ));
        }
        if wire.matches.subscription.is_some() && target == Target::Requests {
            return Err(invalid(
                "'match.subscription' applies to deliveries only.",
                "match",
            ));
        }
        let m = &wire.matches;
        let request_only = [&m.operation, &m.method, &m.path, &m.application];
        if target == Target::Deliveries && request_only.iter().any(|t| t.is_some()) {
            return Err(invalid(
                "Delivery rules match on 'tenant' and 'subscription' only.",
                "match",
            ));
        }
        let texts = [
            &m.operation,
            &m.method,
            &m.path,
            &m.tenant,
            &m.application,
            &m.subscription,
        ];
        if texts
            .iter()
            .filter_map(|t| t.as_deref())
            .any(|t| t.len() > MAX_TEXT)
        {
            return Err(invalid("A match value is too long.", "match"));
        }
        wire.id = Some(id);
        wire.fired = 0;
        Ok(Self {
            wire,
            target,
            delay,
        })
    }

    pub fn id(&self) -> &str {
        self.wire.id.as_deref().unwrap_or_default()
    }

    /// Whether every field of the rule's match holds for `subject`.
    pub fn matches(&self, target: Target, subject: &Subject<'_>) -> bool {
        let FaultMatch {
            operation,
            method,
            path,
            tenant,
            application,
            subscription,
        } = &self.wire.matches;
        let same = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|want| have == Some(want))
        };
        self.target == target
            && same(operation, subject.operation)
            && method.as_deref().is_none_or(|want| {
                subject
                    .method
                    .is_some_and(|have| have.eq_ignore_ascii_case(want))
            })
            && path.as_deref().is_none_or(|pattern| {
                subject
                    .path
                    .is_some_and(|have| glob(pattern.as_bytes(), have.as_bytes()))
            })
            && same(tenant, subject.tenant)
            && same(application, subject.application)
            && same(subscription, subject.subscription)
    }

    /// What the rule does when it fires.
    pub fn effect(&self) -> Effect {
        let respond = self.wire.respond.as_ref().map(|respond| {
            let status =
                StatusCode::from_u16(respond.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let code = respond
                .code
                .clone()
                .unwrap_or_else(|| graph_code(status).to_owned());
            let message = respond.message.clone().unwrap_or_else(|| {
                format!("Injected by fault rule {} (POST /admin/faults).", self.id())
            });
            let mut error = GraphError::new(status, code, message);
            let retry_after = respond.retry_after.or(matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            )
            .then_some(1));
            if let Some(seconds) = retry_after {
                error = error.with_header("retry-after", seconds.to_string());
            }
            error
        });
        Effect {
            rule_id: self.id().to_owned(),
            delay: self.delay,
            respond,
            drop: self.wire.drop,
            duplicate: self.wire.duplicate,
        }
    }
}

/// Graph's error code for a status.
fn graph_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        429 => "TooManyRequests",
        500 => "generalException",
        502 => "badGateway",
        503 => "serviceNotAvailable",
        504 => "gatewayTimeout",
        _ if status.is_client_error() => "invalidRequest",
        _ => "generalException",
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of bytes.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative matching with one backtrack point: linear in practice, never exponential.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_runs_of_anything() {
        let cases = [
            ("/v1.0/users/*/presence", "/v1.0/users/abc/presence", true),
            (
                "/v1.0/users/*/presence",
                "/v1.0/users/abc/presence/setPresence",
                false,
            ),
            (
                "*setPresence",
                "/beta/me/presence/microsoft.graph.setPresence",
                true,
            ),
            ("*", "", true),
            ("/a*b*c", "/a-b-x-c", true),
            ("/a*b*c", "/a-c", false),
            ("exact", "exact", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                glob(pattern.as_bytes(), text.as_bytes()),
                expected,
                "{pattern} {text}"
            );
        }
    }
}
