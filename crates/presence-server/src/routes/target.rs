//! Which user a presence request is about, taken from the `{id}` path segment.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};

use crate::error::GraphError;

/// Longest user id accepted; Entra object ids are 36 characters.
const MAX_USER_ID: usize = 256;

/// The tenant all state belongs to until tokens carry one (`tid`).
pub const DEFAULT_TENANT: &str = "default";

/// The user addressed by the request, normalised: Graph ids compare case-insensitively, so
/// they are kept and returned in lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUser {
    pub tenant: String,
    pub id: String,
}

impl TargetUser {
    fn from_path(req: &HttpRequest) -> Result<Self, GraphError> {
        let raw = req.match_info().get("id").unwrap_or_default();
        let id = raw.trim();
        if id.is_empty() || id.len() > MAX_USER_ID || id.chars().any(char::is_control) {
            return Err(GraphError::bad_request(format!(
                "Invalid user id '{raw}': expected a non-empty id of at most {MAX_USER_ID} characters."
            ))
            .with_target("id"));
        }
        Ok(Self {
            tenant: DEFAULT_TENANT.to_owned(),
            id: id.to_ascii_lowercase(),
        })
    }
}

impl FromRequest for TargetUser {
    type Error = GraphError;
    type Future = Ready<Result<Self, GraphError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Self::from_path(req))
    }
}
