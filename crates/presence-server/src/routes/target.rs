//! Which user a presence request is about: the `{id}` path segment, or the caller for `/me`.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};

use crate::engine::Audience;
use crate::error::GraphError;
use crate::store::UserKey;

/// Longest user id accepted; Entra object ids are 36 characters.
pub const MAX_USER_ID: usize = 256;

/// The tenant all state belongs to until tokens carry one (`tid`).
pub const DEFAULT_TENANT: &str = "default";

/// The user addressed by the request, and how much of their presence the caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUser {
    pub key: UserKey,
    pub audience: Audience,
}

impl TargetUser {
    fn from_request(req: &HttpRequest) -> Result<Self, GraphError> {
        let Some(raw) = req.match_info().get("id") else {
            // `/me/...`: only a delegated token names a signed-in user.
            return Err(GraphError::bad_request(
                "/me request is only valid with delegated authentication flow.",
            ));
        };
        Ok(Self {
            key: UserKey {
                tenant: DEFAULT_TENANT.to_owned(),
                user: normalise_user_id(raw).map_err(|e| e.with_target("id"))?,
            },
            audience: Audience::Owner,
        })
    }
}

/// Validates a user id and returns its canonical form. Graph ids compare case-insensitively,
/// so they are kept and returned in lowercase.
pub fn normalise_user_id(raw: &str) -> Result<String, GraphError> {
    let id = raw.trim();
    if id.is_empty() || id.len() > MAX_USER_ID || id.chars().any(char::is_control) {
        return Err(GraphError::bad_request(format!(
            "Invalid user id '{raw}': expected a non-empty id of at most {MAX_USER_ID} characters."
        )));
    }
    Ok(id.to_ascii_lowercase())
}

impl FromRequest for TargetUser {
    type Error = GraphError;
    type Future = Ready<Result<Self, GraphError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Self::from_request(req))
    }
}
