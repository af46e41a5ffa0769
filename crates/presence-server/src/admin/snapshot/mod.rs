//! Snapshots: `GET /admin/export`, `POST /admin/import?mode=merge|replace`, and the
//! start-up and shutdown files (`--seed`, `--export-on-exit`). The format is the model's
//! `Snapshot` ([`export`] writes it, [`import`] checks and loads it).

pub mod export;
pub mod files;
pub mod import;

use actix_web::web;
use presence_model::{ImportOutcome, Snapshot};
use serde::Deserialize;

use super::AdminCaller;
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::http::body::{Body, json_config_up_to};
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;
use crate::store::Cause;
pub use import::Mode;

/// Largest snapshot accepted by `POST /admin/import` (a seed of ~100,000 users).
pub const MAX_SNAPSHOT_BYTES: usize = 32 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/export")
            .get(export_snapshot)
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/admin/import")
            .app_data(json_config_up_to(MAX_SNAPSHOT_BYTES))
            .post(import_snapshot)
            .default_service(method_not_allowed("POST")),
    );
}

/// How `POST /admin/import` treats what is there.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `merge` (default): what the snapshot names replaces what is there, the rest stays;
    /// `replace`: everything is reset first.
    #[param(value_type = Option<String>, pattern = "^(merge|replace)$")]
    pub mode: Option<Mode>,
}

/// Everything the server holds, as a snapshot with absolute times (import it elsewhere, or
/// keep it as a seed).
#[utoipa::path(
    get,
    path = "/admin/export",
    operation_id = "admin_export",
    tag = "admin",
    responses((status = 200, description = "The snapshot.", body = Snapshot), ErrorResponses)
)]
pub async fn export_snapshot(
    _admin: AdminCaller,
    state: web::Data<AppState>,
) -> Result<web::Json<Snapshot>, GraphError> {
    Ok(web::Json(
        export::export(&state.store, state.clock.now()).await?,
    ))
}

/// Load a snapshot, all or nothing. Relative times count from now; subscribers are notified
/// of the loaded users' changes only with `"notify": true`; subscriptions are loaded
/// without a validation handshake.
#[utoipa::path(
    post,
    path = "/admin/import",
    operation_id = "admin_import",
    tag = "admin",
    params(ImportQuery),
    request_body = Snapshot,
    responses((status = 200, description = "What was loaded.", body = ImportOutcome), BodyErrorResponses)
)]
pub async fn import_snapshot(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    query: web::Query<ImportQuery>,
    body: Body<Snapshot>,
) -> Result<web::Json<ImportOutcome>, GraphError> {
    let plan = import::plan(&body, query.mode.unwrap_or(Mode::Merge), state.clock.now())?;
    state.store.write(plan.write).await?;
    // An import names no user to the change feed: the history reads the imported users
    // (as many as it tracks) and those it tracked, whom a replacing import may have reset.
    let imported = body
        .tenants
        .iter()
        .flat_map(|tenant| {
            tenant
                .users
                .iter()
                .filter_map(|user| super::scope::user_key(&tenant.id, &user.id).ok())
        })
        .take(crate::history::MAX_USERS)
        .collect();
    state.history.recheck(None, imported, Cause::Import);
    Ok(web::Json(plan.outcome))
}
