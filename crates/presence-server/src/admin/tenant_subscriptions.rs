//! `GET /admin/tenants/{tid}/subscriptions`: every live subscription of a tenant, whichever
//! application or user made it (Graph's own listing shows a caller only its own).

use actix_web::web;
use presence_model::SubscriptionCollection;

use super::AdminCaller;
use super::scope::tenant_id;
use crate::error::{ErrorResponses, GraphError};
use crate::http::fallback::method_not_allowed;
use crate::routes::subscriptions::view;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/tenants/{tid}/subscriptions")
            .get(list_tenant_subscriptions)
            .default_service(method_not_allowed("GET")),
    );
}

/// A tenant's live subscriptions, oldest first, as Graph shows each (without the
/// certificate of rich ones).
#[utoipa::path(
    get,
    path = "/admin/tenants/{tid}/subscriptions",
    operation_id = "admin_list_tenant_subscriptions",
    tag = "admin",
    params(("tid" = String, Path, description = "The tenant id.")),
    responses((status = 200, description = "The subscriptions.", body = SubscriptionCollection), ErrorResponses)
)]
pub async fn list_tenant_subscriptions(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    tid: web::Path<String>,
) -> Result<web::Json<SubscriptionCollection>, GraphError> {
    let tenant = tenant_id(&tid)?;
    let records = state
        .store
        .list_subscriptions(&tenant, None, state.clock.now())
        .await?;
    Ok(web::Json(SubscriptionCollection {
        odata_context: None,
        value: records.iter().map(view).collect(),
    }))
}
