//! Who is calling and whose presence they address, checked before a handler runs.
//!
//! Handlers name the access they need in their signature (`Target<ToWrite>`), so no
//! operation can forget its permission check: the extractor authenticates the caller (401),
//! resolves `{id}` or `/me` (400 for `/me` without a signed-in user), and authorizes (403).

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::auth::{Access, Caller};
use crate::engine::Audience;
use crate::error::GraphError;
use crate::state::AppState;
use crate::store::UserKey;

/// Longest user id accepted, in characters; Entra object ids are 36.
pub const MAX_USER_ID: usize = 256;

/// The `{id}` of every presence path, as the spec states it: what [`normalise_user_id`]
/// accepts (at most 256 characters, at least one that is not white space, no control
/// characters).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserPath {
    /// The user's id (an Entra object id, a GUID); compared case-insensitively.
    #[param(
        min_length = 1,
        max_length = 256,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub id: String,
}

/// The access an operation needs, as a type.
pub trait Permission {
    const ACCESS: Access;
}

/// Reading one user's presence.
pub struct ToRead;
/// Changing a user's presence (sessions, preference, status message).
pub struct ToWrite;
/// Changing a user's work location (delegated callers only).
pub struct ToWriteLocation;
/// Reading many users at once (`getPresencesByUserId`).
pub struct ToReadMany;
/// Subscribing to presence changes (delegated callers only).
pub struct ToSubscribe;

impl Permission for ToRead {
    const ACCESS: Access = Access::Read;
}
impl Permission for ToWrite {
    const ACCESS: Access = Access::Write;
}
impl Permission for ToWriteLocation {
    const ACCESS: Access = Access::WriteLocation;
}
impl Permission for ToReadMany {
    const ACCESS: Access = Access::ReadMany;
}
impl Permission for ToSubscribe {
    const ACCESS: Access = Access::Subscribe;
}

/// A caller who holds the permission `P` for some user, checked before the body is read: for
/// operations whose users are named in the body (bulk reads, subscriptions), so a caller
/// without the permission is refused at once instead of holding a slot while a body trickles
/// in. Per-user rules still apply once the body names the users.
pub struct Allowed<P> {
    pub caller: Caller,
    _permission: PhantomData<P>,
}

impl<P: Permission> FromRequest for Allowed<P> {
    type Error = GraphError;
    type Future = Ready<Result<Self, GraphError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|caller| {
            caller.authorize(P::ACCESS, "")?;
            Ok(Self {
                caller,
                _permission: PhantomData,
            })
        }))
    }
}

/// The user addressed by the request, with the caller, who has been allowed `P`.
pub struct Target<P> {
    pub key: UserKey,
    /// How much of the presence the caller sees.
    pub audience: Audience,
    pub caller: Caller,
    _permission: PhantomData<P>,
}

impl<P: Permission> Target<P> {
    fn resolve(req: &HttpRequest) -> Result<Self, GraphError> {
        let caller = authenticate(req)?;
        let user = match req.match_info().get("id") {
            Some(raw) => normalise_user_id(raw).map_err(|e| e.with_target("id"))?,
            None => caller.signed_in_user().map(str::to_owned).ok_or_else(|| {
                GraphError::bad_request(
                    "/me request is only valid with delegated authentication flow.",
                )
            })?,
        };
        let audience = caller.authorize(P::ACCESS, &user)?;
        Ok(Self {
            key: UserKey {
                tenant: caller.tenant.clone(),
                user,
            },
            audience,
            caller,
            _permission: PhantomData,
        })
    }
}

impl<P: Permission> FromRequest for Target<P> {
    type Error = GraphError;
    type Future = Ready<Result<Self, GraphError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Self::resolve(req))
    }
}

impl FromRequest for Caller {
    type Error = GraphError;
    type Future = Ready<Result<Self, GraphError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

/// The caller of `req`, per the server's authenticator (401 when not authenticated), counted
/// against its throttling budget (429) when throttling is on.
fn authenticate(req: &HttpRequest) -> Result<Caller, GraphError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| GraphError::internal(&std::io::Error::other("no application state")))?;
    // The in-flight middleware has usually verified the token already (`auth::request`).
    let caller = crate::auth::request::caller(req)
        .ok_or_else(|| GraphError::internal(&std::io::Error::other("no authenticator")))?
        .map_err(GraphError::from)?;
    if let Some(throttle) = &state.throttle {
        throttle.admit(&caller, std::time::Instant::now())?;
    }
    Ok(caller)
}

/// Validates a user id and returns its canonical form. Graph ids compare case-insensitively,
/// so they are kept and returned in lowercase.
pub fn normalise_user_id(raw: &str) -> Result<String, GraphError> {
    let id = raw.trim();
    if id.is_empty() || id.chars().count() > MAX_USER_ID || id.chars().any(char::is_control) {
        return Err(GraphError::bad_request(format!(
            "Invalid user id '{raw}': expected a non-empty id of at most {MAX_USER_ID} characters."
        )));
    }
    Ok(id.to_ascii_lowercase())
}
