//! Outlook's automatic replies: `PUT /admin/tenants/{tid}/users/{id}/outOfOffice`. While
//! they are on, reads show `outOfOfficeSettings.isOutOfOffice` with the message, and the
//! plain states read `OutOfOffice` in the activity (`engine::out_of_office`).

use actix_web::{HttpResponse, web};
use presence_model::AutomaticRepliesSetting;

use super::AdminCaller;
use super::scope::{UserOfTenant, time};
use crate::engine::out_of_office::AutomaticReplies;
use crate::error::{BodyErrorResponses, GraphError};
use crate::http::body::Body;
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;
use crate::store::Write;

/// Longest automatic reply kept.
const MAX_MESSAGE: usize = 4000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/tenants/{tid}/users/{id}/outOfOffice")
            .put(set_out_of_office)
            .default_service(method_not_allowed("PUT")),
    );
}

/// Turn a user's automatic replies on (optionally within `start`..`end`, with a message) or
/// off. Subscribers are notified when the presence changes as a result, and again when the
/// window opens or closes.
#[utoipa::path(
    put,
    path = "/admin/tenants/{tid}/users/{id}/outOfOffice",
    operation_id = "admin_set_out_of_office",
    tag = "admin",
    params(UserOfTenant),
    request_body = AutomaticRepliesSetting,
    responses((status = 204, description = "Set."), BodyErrorResponses)
)]
pub async fn set_out_of_office(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<UserOfTenant>,
    body: Body<AutomaticRepliesSetting>,
) -> Result<HttpResponse, GraphError> {
    let user = path.key()?;
    // Checked even when turning replies off: a body is valid or it is not.
    let start = body
        .start
        .as_deref()
        .map(|t| time(t, "start"))
        .transpose()?;
    let end = body.end.as_deref().map(|t| time(t, "end")).transpose()?;
    if body
        .message
        .as_ref()
        .is_some_and(|m| m.chars().count() > MAX_MESSAGE)
    {
        return Err(GraphError::invalid_argument(format!(
            "'message' is at most {MAX_MESSAGE} characters."
        ))
        .with_target("message"));
    }
    let replies = if body.is_out_of_office {
        if let (Some(start), Some(end)) = (start, end)
            && end <= start
        {
            return Err(
                GraphError::invalid_argument("'end' must be after 'start'.").with_target("end")
            );
        }
        Some(AutomaticReplies {
            message: body.message.clone(),
            start,
            end,
        })
    } else {
        None
    };
    let now = state.clock.now();
    state
        .store
        .write(Write::SetAutomaticReplies { user, replies, now })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
