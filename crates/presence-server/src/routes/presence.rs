//! `GET .../presence`: a user's aggregated presence.

use actix_web::{HttpRequest, web};
use presence_model::{ODataError, OutOfOfficeSettings, Presence};

use super::odata::{presence_context, sequence_number};
use super::target::TargetUser;
use crate::app::AppState;
use crate::engine::aggregate;
use crate::error::GraphError;

/// Get a user's presence: the aggregate of all the user's live sessions.
#[utoipa::path(
    get,
    path = "/users/{id}/presence",
    operation_id = "get_presence",
    tag = "presence",
    params(("id" = String, Path, description = "The user's id (GUID).")),
    responses(
        (status = 200, description = "The user's presence.", body = Presence),
        (status = "4XX", description = "Client error.", body = ODataError),
        (status = "5XX", description = "Server error.", body = ODataError),
    )
)]
pub async fn get_presence(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: TargetUser,
) -> Result<web::Json<Presence>, GraphError> {
    let now = state.clock.now();
    let record = state.store.load_user(&user.tenant, &user.id, now).await?;
    let effective = aggregate(&record.sessions, now);
    Ok(web::Json(Presence {
        odata_context: Some(presence_context(&req, &user.id)),
        id: user.id,
        availability: effective.availability,
        activity: effective.activity,
        out_of_office_settings: OutOfOfficeSettings::default(),
        sequence_number: sequence_number(record.sequence),
    }))
}
