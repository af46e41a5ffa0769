//! How JSON request bodies are read, and how reading them fails.
//!
//! actix answers body problems in plain text by default; here every one becomes a Graph
//! envelope with the status a client can act on: 415 for a body that is not JSON, 413 for one
//! over the limit, 408 for one that did not arrive in time (`body_deadline`), 400 `InvalidArgument` for a value outside a vocabulary, 400 `BadRequest`
//! for the rest (syntax, missing or mistyped fields).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PayloadError};
use actix_web::http::StatusCode;
use actix_web::web::{Bytes, JsonConfig, PayloadConfig};
use actix_web::{FromRequest, HttpRequest};

use crate::body_deadline::is_deadline;
use crate::error::GraphError;

/// Largest accepted body. The biggest legitimate one, 650 ids for a batch read, is ~30 KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn json_config() -> JsonConfig {
    json_config_up_to(MAX_BODY_BYTES)
}

/// [`json_config`] with another limit, for the few operations whose bodies are documents
/// (snapshot imports).
pub fn json_config_up_to(limit: usize) -> JsonConfig {
    JsonConfig::default()
        .limit(limit)
        .error_handler(move |error, _req| body_error_up_to(error, limit).into())
}

fn body_error(error: JsonPayloadError) -> GraphError {
    body_error_up_to(error, MAX_BODY_BYTES)
}

fn body_error_up_to(error: JsonPayloadError, limit: usize) -> GraphError {
    match error {
        JsonPayloadError::ContentType => GraphError::unsupported_media_type(
            "The request body must be JSON: send 'Content-Type: application/json'.",
        ),
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            GraphError::payload_too_large(format!(
                "The request body is larger than the {limit} bytes accepted."
            ))
        }
        JsonPayloadError::Deserialize(error) => {
            let message = format!("The request body is not valid for this operation: {error}.");
            if error.is_data()
                && error
                    .to_string()
                    .contains(presence_model::UNKNOWN_VALUE_MARKER)
            {
                GraphError::invalid_argument(message)
            } else {
                GraphError::bad_request(message)
            }
        }
        JsonPayloadError::Payload(error) if is_deadline(&error) => GraphError::request_timeout(),
        other => GraphError::bad_request(format!("The request body could not be read: {other}.")),
    }
}

/// Query strings that do not fit the operation's parameters (a missing `ids`, a key given
/// twice) are 400 in the envelope, not actix's plain text.
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|error, _req| {
        GraphError::bad_request(format!(
            "The query string is not valid for this operation: {error}."
        ))
        .into()
    })
}

/// Configuration of raw body reads (actions without parameters): the same limit as JSON.
pub fn payload_config() -> PayloadConfig {
    PayloadConfig::new(MAX_BODY_BYTES)
}

/// The body of an action that takes no parameters: nothing, whitespace, or a JSON object
/// (Graph's docs send `{}`, its examples nothing; both are accepted, members are ignored).
#[derive(Debug, Clone, Copy)]
pub struct EmptyBody;

impl FromRequest for EmptyBody {
    type Error = GraphError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, GraphError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|error| {
                if error.as_error::<PayloadError>().is_some_and(is_deadline) {
                    GraphError::request_timeout()
                } else if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    GraphError::payload_too_large(format!(
                        "The request body is larger than the {MAX_BODY_BYTES} bytes accepted."
                    ))
                } else {
                    GraphError::bad_request(format!("The request body could not be read: {error}."))
                }
            })?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(EmptyBody);
            }
            match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(serde_json::Value::Object(_)) => Ok(EmptyBody),
                _ => Err(GraphError::bad_request(
                    "This action takes no parameters: send no body or an empty JSON object {}.",
                )),
            }
        })
    }
}

/// A JSON request body that must be an object, deserialised into `T`.
///
/// actix's `Json<T>` accepts whatever serde accepts, and serde's derived structs also take an
/// array of their fields in order (`[null,"Available","Available"]` was a valid setPresence);
/// the spec says an object, so the server does too. Errors are those of [`json_config`].
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = actix_web::web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            if !value.is_object() {
                return Err(
                    GraphError::bad_request("The request body must be a JSON object.").into(),
                );
            }
            if let Some(field) = nul_in(&value, None) {
                return Err(GraphError::bad_request(format!(
                    "Text may not contain the character U+0000 (in '{field}')."
                ))
                .into());
            }
            crate::http::strict_json::from_value(&value)
                .map(Body)
                .map_err(|error| body_error(JsonPayloadError::Deserialize(error)).into())
        })
    }
}

/// The name of a member whose text (name or value) holds U+0000, if any: refused on every
/// backend alike, because PostgreSQL cannot store it in text (a 500 before) and an answer
/// must not depend on the backend. Graph's documentation says nothing of it.
fn nul_in(value: &serde_json::Value, member: Option<&str>) -> Option<String> {
    let named = |key: &str| Some(key.chars().filter(|c| *c != '\0').collect::<String>());
    match value {
        serde_json::Value::String(text) if text.contains('\0') => {
            member.map_or_else(|| Some(String::new()), named)
        }
        serde_json::Value::Array(items) => items.iter().find_map(|item| nul_in(item, member)),
        serde_json::Value::Object(members) => members.iter().find_map(|(key, value)| {
            if key.contains('\0') {
                named(key)
            } else {
                nul_in(value, Some(key))
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::nul_in;

    #[test]
    fn text_holding_u0000_is_found_wherever_it_is() {
        let found = |json: &str| nul_in(&serde_json::from_str(json).expect("JSON"), None);
        assert_eq!(found(r#"{"a": "x", "b": [1, {"c": "y"}]}"#), None);
        assert_eq!(
            found(r#"{"a": {"content": "x\u0000"}}"#).as_deref(),
            Some("content")
        );
        assert_eq!(found(r#"{"a": ["x", "\u0000"]}"#).as_deref(), Some("a"));
        assert_eq!(found(r#"{"k\u0000": 1}"#).as_deref(), Some("k"));
        assert_eq!(
            found(r#"{"a": "\\u0000"}"#),
            None,
            "an escaped backslash is not U+0000"
        );
    }
}
