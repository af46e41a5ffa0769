//! `setStatusMessage`.

use actix_web::{HttpResponse, web};
use presence_model::SetStatusMessageRequest;

use super::target::{Target, ToWrite, UserPath};
use crate::engine::status_message;
use crate::error::{BodyErrorResponses, GraphError};
use crate::http::body::Body;
use crate::state::AppState;
use crate::store::Write;

/// Set (or, with empty content, clear) the user's status message.
#[utoipa::path(
    post,
    path = "/users/{id}/presence/setStatusMessage",
    operation_id = "set_status_message",
    tag = "presence",
    params(UserPath),
    request_body = SetStatusMessageRequest,
    responses(
        (status = 200, description = "The status message is set or cleared."),
        BodyErrorResponses,
    )
)]
pub async fn set_status_message(
    state: web::Data<AppState>,
    target: Target<ToWrite>,
    body: Body<SetStatusMessageRequest>,
) -> Result<HttpResponse, GraphError> {
    let now = state.clock.now();
    let message =
        status_message::from_request(body.status_message.as_ref(), now).map_err(|invalid| {
            GraphError::invalid_argument(invalid.message).with_target(invalid.target)
        })?;
    state
        .store
        .write(Write::SetStatusMessage {
            user: target.key,
            message,
            now,
        })
        .await?;
    Ok(HttpResponse::Ok().finish())
}
