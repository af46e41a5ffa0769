//! `POST /admin/deviceCodes/{userCode}/approve`: sign a test user in on a pending device code,
//! as the `/devicelogin` page does, for scripts and `presencectl users approve`.

use actix_web::{HttpResponse, web};
use presence_model::DeviceCodeApproval;

use super::AdminCaller;
use crate::authority::devices;
use crate::authority::memory::AuthorityState;
use crate::error::{BodyErrorResponses, GraphError};
use crate::http::body::Body;
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/deviceCodes/{user_code}/approve")
            .post(approve_device_code)
            .default_service(method_not_allowed("POST")),
    );
}

/// Approve a pending device code for a test user: the app polling with it gets the user's
/// tokens. 404 when no code of this instance is pending under that user code, or the user
/// does not exist in its tenant.
#[utoipa::path(
    post,
    path = "/admin/deviceCodes/{user_code}/approve",
    operation_id = "admin_approve_device_code",
    tag = "admin",
    params(("user_code" = String, Path, description = "The code the app shows its user.")),
    request_body = DeviceCodeApproval,
    responses((status = 204, description = "Approved."), BodyErrorResponses)
)]
pub async fn approve_device_code(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    memory: web::Data<AuthorityState>,
    user_code: web::Path<String>,
    body: Body<DeviceCodeApproval>,
) -> Result<HttpResponse, GraphError> {
    if devices::approve(&state, &memory, &user_code, &body.user_principal_name, None).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(GraphError::not_found(
            "No pending device code has that user code, or no such user in its tenant.",
        ))
    }
}
