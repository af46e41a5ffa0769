//! `/admin/faults`: add, list and remove fault rules (see `crate::faults`).

use actix_web::{HttpResponse, web};
use presence_model::{FaultRule, FaultRuleCollection};

use super::AdminCaller;
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::faults::Faults;
use crate::http::body::Body;
use crate::http::fallback::method_not_allowed;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/faults")
            .post(add_fault)
            .get(list_faults)
            .delete(clear_faults)
            .default_service(method_not_allowed("POST, GET, DELETE")),
    )
    .service(
        web::resource("/admin/faults/{fault_id}")
            .delete(delete_fault)
            .default_service(method_not_allowed("DELETE")),
    );
}

/// Add a fault rule. On requests (`"on": "requests"`, the default) it answers matching API
/// requests with `respond` (Graph's envelope; `Retry-After` on 429 and 503), adds `delay`,
/// or drops the connection; on deliveries it fails, delays, drops or duplicates the
/// notifications of matching subscriptions. `probability` and `times` bound how often it
/// fires; faulted requests are marked in the journal. At most 256 rules.
#[utoipa::path(
    post,
    path = "/admin/faults",
    operation_id = "admin_add_fault",
    tag = "admin",
    request_body = FaultRule,
    responses(
        (status = 201, description = "The rule as kept, with its id.", body = FaultRule),
        BodyErrorResponses,
    )
)]
pub async fn add_fault(
    _admin: AdminCaller,
    faults: web::Data<Faults>,
    body: Body<FaultRule>,
) -> Result<HttpResponse, GraphError> {
    let rule = faults.add(body.into_inner())?;
    Ok(HttpResponse::Created().json(rule))
}

/// The rules in force, oldest first, each with how often it has fired.
#[utoipa::path(
    get,
    path = "/admin/faults",
    operation_id = "admin_list_faults",
    tag = "admin",
    responses(
        (status = 200, description = "The rules.", body = FaultRuleCollection),
        ErrorResponses,
    )
)]
pub async fn list_faults(
    _admin: AdminCaller,
    faults: web::Data<Faults>,
) -> web::Json<FaultRuleCollection> {
    web::Json(FaultRuleCollection {
        value: faults.list(),
    })
}

/// Remove every rule.
#[utoipa::path(
    delete,
    path = "/admin/faults",
    operation_id = "admin_clear_faults",
    tag = "admin",
    responses((status = 204, description = "No rule is left."), ErrorResponses)
)]
pub async fn clear_faults(_admin: AdminCaller, faults: web::Data<Faults>) -> HttpResponse {
    faults.clear();
    HttpResponse::NoContent().finish()
}

/// Remove one rule.
#[utoipa::path(
    delete,
    path = "/admin/faults/{fault_id}",
    operation_id = "admin_delete_fault",
    tag = "admin",
    params(("fault_id" = String, Path, description = "The rule's id.")),
    responses((status = 204, description = "Removed."), ErrorResponses)
)]
pub async fn delete_fault(
    _admin: AdminCaller,
    faults: web::Data<Faults>,
    id: web::Path<String>,
) -> Result<HttpResponse, GraphError> {
    if faults.remove(&id) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(GraphError::not_found(format!("No fault rule '{id}'.")))
    }
}
