//! `POST /{version}/$batch`: JSON batching, as Graph's SDKs send it (up to 20 requests,
//! `dependsOn` ordering, one answer per request).
//!
//! Each inner request is sent to this server itself over loopback HTTP, with the batch's
//! token: it is authenticated, authorised, throttled, journaled and faulted on its own,
//! exactly like the same request made alone, and a failure of one (a 429 with `Retry-After`
//! included) is its answer inside a 200 batch. What makes the whole batch 400: more than 20
//! requests or none, a duplicate id, an unknown or cyclic `dependsOn`, a body without a
//! `Content-Type` header, or a URL with spaces or control characters. URLs are relative to the
//! version, with or without the leading slash; an absolute URL, or one that names a version,
//! is taken by its path (the official Python SDK sends absolute URLs), and always runs here.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpRequest, web};
use presence_model::{BatchRequest, BatchRequestItem, BatchResponse, BatchResponseItem};

use crate::auth::Caller;
use crate::error::{BodyErrorResponses, GraphError};
use crate::http::body::Body;
use crate::state::AppState;

/// Most requests in one batch (Graph's limit).
pub const MAX_REQUESTS: usize = 20;
/// How long one inner request may take.
const INNER_TIMEOUT: Duration = Duration::from_secs(30);
/// Methods a batch may carry.
const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "PUT", "DELETE"];
/// Answer headers passed back to the caller, in the capitalisation Graph's batch answers use
/// (the JavaScript client looks for `Content-Type` exactly).
const KEPT_HEADERS: [(&str, &str); 5] = [
    ("content-type", "Content-Type"),
    ("retry-after", "Retry-After"),
    ("location", "Location"),
    ("www-authenticate", "WWW-Authenticate"),
    ("request-id", "request-id"),
];

/// Run several requests in one: their answers, in the order of the requests.
#[utoipa::path(
    post,
    path = "/$batch",
    operation_id = "batch",
    tag = "batch",
    request_body = BatchRequest,
    responses(
        (status = 200, description = "One answer per request.", body = BatchResponse),
        BodyErrorResponses,
    )
)]
pub async fn batch(
    req: HttpRequest,
    state: web::Data<AppState>,
    _caller: Caller,
    body: Body<BatchRequest>,
) -> Result<web::Json<BatchResponse>, GraphError> {
    let items = body.into_inner().requests;
    let waves = plan(&items)?;
    let (origin, version) = match (state.self_url.get(), version_of(&req)) {
        (Some(origin), Some(version)) => (origin.clone(), version),
        _ => {
            return Err(GraphError::internal(&std::io::Error::other(
                "the server does not know its own address",
            )));
        }
    };
    let token = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut answers: HashMap<usize, BatchResponseItem> = HashMap::new();
    for wave in waves {
        let mut running = tokio::task::JoinSet::new();
        for index in wave {
            let item = items[index].clone();
            let failed_dependency = item
                .depends_on
                .iter()
                .flatten()
                .filter_map(|id| items.iter().position(|other| &other.id == id))
                .any(|dep| {
                    answers
                        .get(&dep)
                        .is_none_or(|a| !(200..300).contains(&a.status))
                });
            if failed_dependency {
                answers.insert(index, failed(&item.id));
                continue;
            }
            let (http, origin, token) = (state.batch_http.clone(), origin.clone(), token.clone());
            running.spawn(async move {
                (
                    index,
                    send(&http, &origin, version, token.as_deref(), item).await,
                )
            });
        }
        while let Some(done) = running.join_next().await {
            if let Ok((index, answer)) = done {
                answers.insert(index, answer);
            }
        }
    }
    let responses = (0..items.len())
        .map(|index| {
            answers.remove(&index).unwrap_or_else(|| {
                error_item(
                    &items[index].id,
                    500,
                    "generalException",
                    "The request was not run.",
                )
            })
        })
        .collect();
    Ok(web::Json(BatchResponse { responses }))
}

/// The version the batch was posted under (`v1.0` or `beta`).
fn version_of(req: &HttpRequest) -> Option<&'static str> {
    let first = req.path().split('/').nth(1)?;
    super::API_VERSIONS
        .iter()
        .find(|v| &v[1..] == first)
        .map(|v| &v[1..])
}

/// Checks the batch and orders it: waves of request indexes, each wave depending only on
/// earlier ones (requests of one wave run side by side).
fn plan(items: &[BatchRequestItem]) -> Result<Vec<Vec<usize>>, GraphError> {
    let invalid = |message: String| GraphError::bad_request(message).with_target("requests");
    if items.is_empty() || items.len() > MAX_REQUESTS {
        return Err(invalid(format!(
            "A batch holds 1 to {MAX_REQUESTS} requests; this one has {}.",
            items.len()
        )));
    }
    let mut index_of = HashMap::new();
    for (index, item) in items.iter().enumerate() {
        if item.id.is_empty() || index_of.insert(item.id.as_str(), index).is_some() {
            return Err(invalid(format!(
                "The request id '{}' is empty or not unique.",
                item.id
            )));
        }
        if !METHODS.contains(&item.method.to_ascii_uppercase().as_str()) {
            return Err(invalid(format!(
                "The method '{}' cannot be batched.",
                item.method
            )));
        }
        if target(&item.url).is_none() {
            return Err(invalid(format!(
                "The url '{}' is not a request URL, e.g. /users/{{id}}/presence.",
                item.url
            )));
        }
        let typed = item
            .headers
            .iter()
            .flatten()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        if item.body.is_some() && !typed {
            return Err(invalid(format!(
                "Request '{}' has a body without a Content-Type header.",
                item.id
            )));
        }
    }
    let mut dependencies: Vec<Vec<usize>> = Vec::with_capacity(items.len());
    for item in items {
        let deps = item
            .depends_on
            .iter()
            .flatten()
            .map(|id| {
                index_of.get(id.as_str()).copied().ok_or_else(|| {
                    invalid(format!(
                        "Request '{}' depends on an unknown id '{id}'.",
                        item.id
                    ))
                })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        dependencies.push(deps);
    }
    let mut placed = vec![false; items.len()];
    let mut waves = Vec::new();
    while placed.iter().any(|p| !p) {
        let wave: Vec<usize> = (0..items.len())
            .filter(|&i| !placed[i] && dependencies[i].iter().all(|&d| placed[d]))
            .collect();
        if wave.is_empty() {
            return Err(invalid("The requests' dependsOn form a cycle.".to_owned()));
        }
        for &i in &wave {
            placed[i] = true;
        }
        waves.push(wave);
    }
    Ok(waves)
}

/// Where an inner request goes: the version it names, if any, and its path and query
/// relative to the version (no leading slash); `None` when it is not a request URL.
fn target(url: &str) -> Option<(Option<&'static str>, &str)> {
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let path = match url.split_once("://") {
        // Absolute: only the path counts (the request runs here whatever the host).
        Some((_, rest)) => &rest[rest.find('/')?..],
        None => url,
    };
    let path = path.trim_start_matches('/');
    for version in super::API_VERSIONS {
        if let Some(rest) = path
            .strip_prefix(&version[1..])
            .and_then(|r| r.strip_prefix('/'))
        {
            return Some((Some(&version[1..]), rest));
        }
    }
    Some((None, path))
}

/// Sends one inner request to this server; its answer as a batch item.
async fn send(
    http: &reqwest::Client,
    origin: &str,
    version: &str,
    token: Option<&str>,
    item: BatchRequestItem,
) -> BatchResponseItem {
    let Some((named, path)) = target(&item.url) else {
        return error_item(&item.id, 400, "BadRequest", "Not a request URL.");
    };
    let version = named.unwrap_or(version);
    if path.starts_with("$batch") || path.starts_with("events/") {
        return error_item(
            &item.id,
            400,
            "BadRequest",
            "Batches and event streams cannot be batched.",
        );
    }
    let method = reqwest::Method::from_bytes(item.method.to_ascii_uppercase().as_bytes())
        .unwrap_or(reqwest::Method::GET);
    // Resolved as the HTTP client will send it (`..`, `%2e%2e`, `\`): it must still name a
    // Graph resource under the version, never the authority or anything else of this server.
    let Some(url) = reqwest::Url::parse(&format!("{origin}/{version}/{path}"))
        .ok()
        .filter(|url| url.path().starts_with(&format!("/{version}/")))
    else {
        return error_item(
            &item.id,
            400,
            "BadRequest",
            "The url must name a Graph resource, e.g. /users/{id}/presence.",
        );
    };
    let mut request = http.request(method, url).timeout(INNER_TIMEOUT);
    for (name, value) in item.headers.iter().flatten() {
        let hop_by_hop = [
            "host",
            "content-length",
            "connection",
            "transfer-encoding",
            "authorization",
        ];
        if hop_by_hop.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        // A name or value that cannot be a header (CR, LF, other controls) is the item's
        // mistake, not a gateway failure.
        let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_str(value),
        ) else {
            return error_item(
                &item.id,
                400,
                "BadRequest",
                "A header's name or value is not valid (control characters are not allowed).",
            );
        };
        request = request.header(name, value);
    }
    if let Some(token) = token {
        request = request.header(AUTHORIZATION.as_str(), token);
    }
    if let Some(body) = &item.body {
        request = request.body(body.to_string());
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) if error.is_timeout() => {
            return error_item(
                &item.id,
                504,
                "gatewayTimeout",
                "The request did not finish in time.",
            );
        }
        Err(_) => return error_item(&item.id, 502, "badGateway", "The request could not be run."),
    };
    let status = response.status().as_u16();
    let headers: BTreeMap<String, String> = response
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            let (_, kept) = KEPT_HEADERS
                .iter()
                .find(|(lower, _)| *lower == name.as_str())?;
            Some(((*kept).to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let bytes = response.bytes().await.unwrap_or_default();
    let body = if bytes.is_empty() {
        None
    } else {
        Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
        }))
    };
    BatchResponseItem {
        id: item.id,
        status,
        headers,
        body,
    }
}

/// The answer of a request whose dependency failed.
fn failed(id: &str) -> BatchResponseItem {
    error_item(
        id,
        424,
        "failedDependency",
        "A request this one depends on failed.",
    )
}

/// An answer made here, in Graph's envelope.
fn error_item(id: &str, status: u16, code: &'static str, message: &str) -> BatchResponseItem {
    let status_code = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let envelope = GraphError::new(status_code, code, message).envelope();
    BatchResponseItem {
        id: id.to_owned(),
        status,
        headers: BTreeMap::from([("Content-Type".to_owned(), "application/json".to_owned())]),
        body: serde_json::to_value(envelope).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, depends_on: &[&str]) -> BatchRequestItem {
        BatchRequestItem {
            id: id.into(),
            method: "GET".into(),
            url: "/users/u/presence".into(),
            headers: None,
            body: None,
            depends_on: (!depends_on.is_empty())
                .then(|| depends_on.iter().map(|d| (*d).to_owned()).collect()),
        }
    }

    #[test]
    fn dependencies_order_the_waves_and_bad_batches_are_refused() {
        let items = [
            item("1", &[]),
            item("2", &["1"]),
            item("3", &[]),
            item("4", &["2", "3"]),
        ];
        assert_eq!(plan(&items).expect("valid"), [vec![0, 2], vec![1], vec![3]]);
        let cases: [Vec<BatchRequestItem>; 5] = [
            vec![],
            (0..21).map(|i| item(&i.to_string(), &[])).collect(),
            vec![item("1", &[]), item("1", &[])],
            vec![item("1", &["9"])],
            vec![item("1", &["2"]), item("2", &["1"])],
        ];
        for case in cases {
            assert!(plan(&case).is_err(), "{case:?}");
        }
        let mut spaced = item("1", &[]);
        spaced.url = "/users/u /presence".into();
        assert!(plan(&[spaced]).is_err());
        assert_eq!(target("users/u/presence"), Some((None, "users/u/presence")));
        assert_eq!(
            target("/beta/users/u/presence"),
            Some((Some("beta"), "users/u/presence"))
        );
        assert_eq!(
            target("https://graph.microsoft.com/v1.0/users/u/presence?$select=id"),
            Some((Some("v1.0"), "users/u/presence?$select=id"))
        );
        assert_eq!(target("https://host-without-path"), None);
        let mut untyped = item("1", &[]);
        untyped.body = Some(serde_json::json!({}));
        assert!(plan(&[untyped]).is_err());
    }
}
