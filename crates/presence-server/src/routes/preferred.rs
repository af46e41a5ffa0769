//! `setUserPreferredPresence` and `clearUserPreferredPresence`.

use actix_web::{HttpResponse, web};
use presence_model::SetUserPreferredPresenceRequest;

use super::target::{Target, ToWrite, UserPath};
use crate::engine::preferred::{Preferred, check_preferred_pair, preferred_expiration};
use crate::error::{BodyErrorResponses, GraphError};
use crate::http::body::{Body, EmptyBody};
use crate::state::AppState;
use crate::store::Write;

/// Set the user's preferred availability and activity, which override every session while
/// at least one session is live.
///
/// Only these pairs are accepted; any other is 400 `InvalidArgument`:
/// `Available`/`Available`, `Away`/`Away`, `BeRightBack`/`BeRightBack`, `Busy`/`Busy`,
/// `DoNotDisturb`/`DoNotDisturb`, `Offline`/`OffWork`. `expirationDuration` is 5 minutes to
/// 7 days.
#[utoipa::path(
    post,
    path = "/users/{id}/presence/setUserPreferredPresence",
    operation_id = "set_user_preferred_presence",
    tag = "presence",
    params(UserPath),
    request_body = SetUserPreferredPresenceRequest,
    responses(
        (status = 200, description = "The preference is set."),
        BodyErrorResponses,
    )
)]
pub async fn set_user_preferred_presence(
    state: web::Data<AppState>,
    target: Target<ToWrite>,
    body: Body<SetUserPreferredPresenceRequest>,
) -> Result<HttpResponse, GraphError> {
    check_preferred_pair(body.availability, body.activity)
        .map_err(|message| GraphError::invalid_argument(message).with_target("availability"))?;
    let lifetime = preferred_expiration(body.availability, body.expiration_duration.as_deref())
        .map_err(|message| {
            GraphError::invalid_argument(message).with_target("expirationDuration")
        })?;
    let now = state.clock.now();
    let expires_at = now
        .checked_add(lifetime)
        .map_err(|_| GraphError::invalid_argument("expirationDuration is out of range."))?;
    let preferred = Preferred {
        availability: body.availability,
        activity: body.activity,
        expires_at,
    };
    state
        .store
        .write(Write::SetPreferred {
            user: target.key,
            preferred: Some(preferred),
            now,
        })
        .await?;
    Ok(HttpResponse::Ok().finish())
}

/// Remove the user's preferred presence (200 also when none was set).
#[utoipa::path(
    post,
    path = "/users/{id}/presence/clearUserPreferredPresence",
    operation_id = "clear_user_preferred_presence",
    tag = "presence",
    params(UserPath),
    responses(
        (status = 200, description = "No preference is set any more."),
        BodyErrorResponses,
    )
)]
pub async fn clear_user_preferred_presence(
    state: web::Data<AppState>,
    target: Target<ToWrite>,
    _body: EmptyBody,
) -> Result<HttpResponse, GraphError> {
    let now = state.clock.now();
    state
        .store
        .write(Write::SetPreferred {
            user: target.key,
            preferred: None,
            now,
        })
        .await?;
    Ok(HttpResponse::Ok().finish())
}
