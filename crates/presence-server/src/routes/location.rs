//! The work location actions; all answer 204 No Content, as Graph's examples do.

use actix_web::{HttpResponse, web};
use presence_model::SetLocationRequest;

use super::target::{Target, ToWriteLocation, UserPath};
use crate::engine::location;
use crate::error::{BodyErrorResponses, GraphError};
use crate::http::body::{Body, EmptyBody};
use crate::state::AppState;
use crate::store::{LocationLayer, Write};

/// Set the manual layer: the user's explicit choice, which beats the automatic layer.
#[utoipa::path(
    post,
    path = "/users/{id}/presence/setManualLocation",
    operation_id = "set_manual_location",
    tag = "location",
    params(UserPath),
    request_body = SetLocationRequest,
    responses(
        (status = 204, description = "The manual location is set."),
        BodyErrorResponses,
    )
)]
pub async fn set_manual_location(
    state: web::Data<AppState>,
    target: Target<ToWriteLocation>,
    body: Body<SetLocationRequest>,
) -> Result<HttpResponse, GraphError> {
    set_layer(&state, target, LocationLayer::Manual, &body).await
}

/// Set the automatic layer (network or device signals); a manual location still wins.
#[utoipa::path(
    post,
    path = "/users/{id}/presence/setAutomaticLocation",
    operation_id = "set_automatic_location",
    tag = "location",
    params(UserPath),
    request_body = SetLocationRequest,
    responses(
        (status = 204, description = "The automatic location is set."),
        BodyErrorResponses,
    )
)]
pub async fn set_automatic_location(
    state: web::Data<AppState>,
    target: Target<ToWriteLocation>,
    body: Body<SetLocationRequest>,
) -> Result<HttpResponse, GraphError> {
    set_layer(&state, target, LocationLayer::Automatic, &body).await
}

/// Remove the automatic layer; a manual location, if any, still applies.
#[utoipa::path(
    post,
    path = "/users/{id}/presence/clearAutomaticLocation",
    operation_id = "clear_automatic_location",
    tag = "location",
    params(UserPath),
    responses(
        (status = 204, description = "The automatic location is cleared."),
        BodyErrorResponses,
    )
)]
pub async fn clear_automatic_location(
    state: web::Data<AppState>,
    target: Target<ToWriteLocation>,
    _body: EmptyBody,
) -> Result<HttpResponse, GraphError> {
    let now = state.clock.now();
    let write = Write::SetLocation {
        user: target.key,
        layer: LocationLayer::Automatic,
        location: None,
        now,
    };
    state.store.write(write).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Remove both the manual and the automatic layer.
#[utoipa::path(
    post,
    path = "/users/{id}/presence/clearLocation",
    operation_id = "clear_location",
    tag = "location",
    params(UserPath),
    responses(
        (status = 204, description = "The work location is cleared."),
        BodyErrorResponses,
    )
)]
pub async fn clear_location(
    state: web::Data<AppState>,
    target: Target<ToWriteLocation>,
    _body: EmptyBody,
) -> Result<HttpResponse, GraphError> {
    let now = state.clock.now();
    state
        .store
        .write(Write::ClearLocation {
            user: target.key,
            now,
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn set_layer(
    state: &AppState,
    target: Target<ToWriteLocation>,
    layer: LocationLayer,
    body: &SetLocationRequest,
) -> Result<HttpResponse, GraphError> {
    let location = location::from_request(body)
        .map_err(|message| GraphError::invalid_argument(message).with_target("workLocationType"))?;
    let now = state.clock.now();
    let write = Write::SetLocation {
        user: target.key,
        layer,
        location: Some(location),
        now,
    };
    state.store.write(write).await?;
    Ok(HttpResponse::NoContent().finish())
}
