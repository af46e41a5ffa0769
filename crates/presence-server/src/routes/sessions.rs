//! `setPresence` and `clearPresence`: an application's own session for a user.

use actix_web::{HttpResponse, web};
use presence_model::{ClearPresenceRequest, SetPresenceRequest};

use super::target::{Target, ToWrite, UserPath};
use crate::auth::Caller;
use crate::engine::{Session, SessionKind, check_session_pair, session_expiration};
use crate::error::{BodyErrorResponses, GraphError};
use crate::http::body::Body;
use crate::state::AppState;
use crate::store::{Write, Written};

/// Longest session id accepted; application ids are 36-character GUIDs.
const MAX_SESSION_ID: usize = 256;

/// Set the state of the calling application's presence session for a user.
///
/// Only these availability/activity pairs are accepted (Graph's table); any other pair is
/// 400 `InvalidArgument`: `Available`/`Available`, `Away`/`Away`, `Busy`/`InACall`,
/// `Busy`/`InAConferenceCall`, `DoNotDisturb`/`Presenting`. `expirationDuration` is 5 minutes
/// to 4 hours (ISO-8601 or `H:MM:SS`).
#[utoipa::path(
    post,
    path = "/users/{id}/presence/setPresence",
    operation_id = "set_presence",
    tag = "presence",
    params(UserPath),
    request_body = SetPresenceRequest,
    responses(
        (status = 200, description = "The session was created or refreshed."),
        BodyErrorResponses,
    )
)]
pub async fn set_presence(
    state: web::Data<AppState>,
    target: Target<ToWrite>,
    body: Body<SetPresenceRequest>,
) -> Result<HttpResponse, GraphError> {
    let body = body.into_inner();
    let session_id = session_id(&target.caller, body.session_id.as_deref())?;
    check_session_pair(body.availability, body.activity)
        .map_err(|message| GraphError::invalid_argument(message).with_target("availability"))?;
    let lifetime = session_expiration(body.expiration_duration.as_deref()).map_err(|message| {
        GraphError::invalid_argument(message).with_target("expirationDuration")
    })?;
    let now = state.clock.now();
    let expires_at = now
        .checked_add(lifetime)
        .map_err(|_| GraphError::invalid_argument("expirationDuration is out of range."))?;
    let session = Session {
        kind: SessionKind::Application,
        session_id,
        availability: body.availability,
        activity: body.activity,
        refreshed_at: now,
        expires_at,
    };
    state
        .store
        .write(Write::PutSession {
            user: target.key,
            session,
        })
        .await?;
    Ok(HttpResponse::Ok().finish())
}

/// Remove the calling application's presence session for a user.
#[utoipa::path(
    post,
    path = "/users/{id}/presence/clearPresence",
    operation_id = "clear_presence",
    tag = "presence",
    params(UserPath),
    request_body = ClearPresenceRequest,
    responses(
        (status = 200, description = "The session was removed."),
        BodyErrorResponses,
    )
)]
pub async fn clear_presence(
    state: web::Data<AppState>,
    target: Target<ToWrite>,
    body: Body<ClearPresenceRequest>,
) -> Result<HttpResponse, GraphError> {
    let session_id = session_id(&target.caller, body.session_id.as_deref())?;
    let now = state.clock.now();
    let user = target.key.user.clone();
    let written = state
        .store
        .write(Write::RemoveSession {
            kind: SessionKind::Application,
            user: target.key,
            session_id: session_id.clone(),
            now,
        })
        .await?;
    if written == Written::SessionRemoved(true) {
        Ok(HttpResponse::Ok().finish())
    } else {
        Err(GraphError::not_found(format!(
            "The presence session '{session_id}' does not exist for user '{user}'."
        ))
        .with_target("sessionId"))
    }
}

/// The session key: the calling application's id. Graph requires `sessionId` to be it, so
/// an authenticated caller may omit it (it defaults to the token's `appid`/`azp`) but not
/// name another application's session (403). Without authentication any id goes.
/// Kept lowercased: GUIDs compare without case.
fn session_id(caller: &Caller, given: Option<&str>) -> Result<String, GraphError> {
    let given = given.map(str::trim).filter(|id| !id.is_empty());
    let id = match (given, caller.app_id.as_deref()) {
        (None, Some(app_id)) => return Ok(app_id.to_owned()),
        (None, None) => {
            return Err(GraphError::bad_request(
                "sessionId is required: provide the id of the calling application.",
            )
            .with_target("sessionId"));
        }
        (Some(id), _) => id,
    };
    if id.chars().count() > MAX_SESSION_ID || id.chars().any(char::is_control) {
        return Err(GraphError::invalid_argument(format!(
            "sessionId must be at most {MAX_SESSION_ID} printable characters."
        ))
        .with_target("sessionId"));
    }
    let id = id.to_ascii_lowercase();
    match caller.app_id.as_deref() {
        Some(app_id) if app_id != id => Err(GraphError::forbidden(format!(
            "sessionId '{id}' is not the calling application's id; an application may only \
             set or clear its own session ('{app_id}')."
        ))
        .with_target("sessionId")),
        _ => Ok(id),
    }
}
