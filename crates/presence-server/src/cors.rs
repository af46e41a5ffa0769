//! Cross-origin requests from browser apps (CORS), as Graph and Entra answer them: a person
//! card, a Teams tab or a single-page app calls Graph's API from its own origin, and MSAL.js
//! fetches the authority's discovery, keys and token endpoints. Which paths answer other
//! origins is [`crate::surface::cross_origin`]; the control plane, the dashboard and the
//! sign-in pages stay same-origin.
//!
//! - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from an allowed
//!   origin is answered here, 200 with the methods, the headers asked for and a max-age, before
//!   any limit or fault rule (it reads nothing and costs nothing); from another origin, 403 in
//!   Graph's error shape, so the refusal is readable in the browser's network panel.
//! - Every other answer to an allowed origin, errors included (a shed 503, a 401, a 404 of an
//!   unknown path), carries `Access-Control-Allow-Origin`, and Graph's answers expose the
//!   headers Graph exposes ([`EXPOSED`]), so an app reads `Retry-After` and `request-id`.
//! - By default any origin is allowed and answered `*`, as Graph does (tokens travel in the
//!   `Authorization` header, never in cookies, so no credentials mode is involved);
//!   `--cors-origins` restricts it to a list, answered by echoing the origin with
//!   `Vary: Origin`.
//!
//! Why not `actix-cors`: it applies to a whole app or scope, while here the cross-origin
//! surfaces are a path rule across one app beside same-origin ones; errors returned by the
//! middleware inside it would pass without headers; and its refusals are plain text.
//!
//! **Invariant:** an answer on a cross-origin path to an allowed origin carries
//! `Access-Control-Allow-Origin` whatever its status; no answer on another path does.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError, web};

use crate::config::parse_origin;
use crate::error::GraphError;
use crate::surface::{self, Surface};

/// The response headers Graph lets a page read, beyond the CORS-safelisted ones.
pub const EXPOSED: &str = "ETag, Location, Preference-Applied, Content-Range, request-id, \
    client-request-id, ReadWriteConsistencyToken, SdkVersion, WWW-Authenticate, \
    x-ms-client-gcc-tenant, Retry-After";

/// The methods a preflight is told are allowed.
const METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

/// How long a browser may keep a preflight's answer (seconds; Chromium keeps at most 7,200).
const MAX_AGE: &str = "3600";

/// Which origins may call the cross-origin surfaces.
#[derive(Debug, Clone, Default)]
pub struct CorsPolicy {
    /// `None`: any origin (`*`). Otherwise the allowed origins, as [`parse_origin`] gives them.
    origins: Option<Vec<String>>,
}

impl CorsPolicy {
    /// `origins` as `--cors-origins` gives them (each through [`parse_origin`]); empty: any.
    pub fn new(origins: &[String]) -> Self {
        Self {
            origins: (!origins.is_empty()).then(|| origins.to_vec()),
        }
    }

    /// What `Access-Control-Allow-Origin` says to `origin`, or `None` when it is not allowed.
    fn allow(&self, origin: &HeaderValue) -> Option<HeaderValue> {
        let Some(origins) = &self.origins else {
            return Some(HeaderValue::from_static("*"));
        };
        let origin_text = origin.to_str().ok()?;
        let normalised = parse_origin(origin_text).ok()?;
        origins.contains(&normalised).then(|| origin.clone())
    }

    fn echoes(&self) -> bool {
        self.origins.is_some()
    }
}

/// Middleware, the outermost: answers preflights and marks answers to allowed origins.
pub async fn handle(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let path = req.path();
    let origin = req.headers().get(header::ORIGIN).cloned();
    let (Some(origin), true) = (origin, surface::cross_origin(path)) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let graph = surface::of(path) == Surface::Graph;
    let policy = req
        .app_data::<web::Data<CorsPolicy>>()
        .map(|policy| policy.get_ref().clone())
        .unwrap_or_default();
    let allowed = policy.allow(&origin);
    if req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        let response = preflight(&req, &policy, allowed, &origin);
        return Ok(req.into_response(response).map_into_right_body());
    }
    let Some(allow) = allowed else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let echoes = policy.echoes();
    match next.call(req).await {
        Ok(mut response) => {
            mark(response.headers_mut(), allow, echoes, graph);
            Ok(response.map_into_left_body())
        }
        // An error of a middleware inside, answered by actix-web once it reaches the top:
        // wrapped so that its answer carries the headers too. (The request cannot be kept
        // to answer it here: routing needs to hold the only reference to it.)
        Err(error) => Err(Marked {
            error,
            allow,
            echoes,
            graph,
        }
        .into()),
    }
}

/// An error from inside, whose answer gets what [`mark`] adds.
#[derive(Debug)]
struct Marked {
    error: actix_web::Error,
    allow: HeaderValue,
    echoes: bool,
    graph: bool,
}

impl std::fmt::Display for Marked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl ResponseError for Marked {
    fn status_code(&self) -> StatusCode {
        self.error.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = self.error.error_response();
        mark(
            response.headers_mut(),
            self.allow.clone(),
            self.echoes,
            self.graph,
        );
        response
    }
}

/// The answer to a preflight.
fn preflight(
    req: &ServiceRequest,
    policy: &CorsPolicy,
    allowed: Option<HeaderValue>,
    origin: &HeaderValue,
) -> HttpResponse {
    let Some(allow) = allowed else {
        let origin = origin.to_str().unwrap_or("this origin");
        return GraphError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!("The origin {origin} is not allowed to call this server (--cors-origins)."),
        )
        .error_response();
    };
    let mut response = HttpResponse::Ok().finish();
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(METHODS),
    );
    if let Some(asked) = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(MAX_AGE),
    );
    let vary = if policy.echoes() {
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    } else {
        "Access-Control-Request-Method, Access-Control-Request-Headers"
    };
    headers.insert(header::VARY, HeaderValue::from_static(vary));
    response
}

/// Adds what an answer to an allowed origin carries.
fn mark(headers: &mut HeaderMap, allow: HeaderValue, echoes: bool, graph: bool) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
    if graph {
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED),
        );
    }
    if echoes {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_compared_as_browsers_send_them() {
        assert_eq!(
            parse_origin("HTTPS://App.Example:443").as_deref(),
            Ok("https://app.example")
        );
        assert_eq!(
            parse_origin("http://localhost:3000/").as_deref(),
            Ok("http://localhost:3000")
        );
        assert!(parse_origin("https://app.example/path").is_err());
        assert!(parse_origin("ftp://app.example").is_err());
        assert!(parse_origin("app.example").is_err());
        let policy = CorsPolicy::new(&["https://app.example".to_owned()]);
        let allowed = |origin: &'static str| policy.allow(&HeaderValue::from_static(origin));
        assert_eq!(
            allowed("https://APP.example"),
            Some(HeaderValue::from_static("https://APP.example"))
        );
        assert_eq!(allowed("https://app.example:8443"), None);
        assert_eq!(allowed("http://app.example"), None);
        assert_eq!(allowed("null"), None);
        assert_eq!(
            CorsPolicy::default().allow(&HeaderValue::from_static("null")),
            Some(HeaderValue::from_static("*"))
        );
    }
}
