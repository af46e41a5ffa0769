//! The authority's applications: `/admin/tenants/{tid}/applications` (list, register),
//! `/admin/tenants/{tid}/applications/{clientId}` (delete) and `…/secrets` (add a generated
//! secret). Registering answers what an app's configuration needs (`ApplicationCredentials`).

use actix_web::{HttpRequest, HttpResponse, web};
use presence_model::{
    ApplicationCredentials, ApplicationInfo, ApplicationInfoCollection, NewApplication,
};

use super::AdminCaller;
use super::scope::tenant_id;
use crate::authority::{discovery, identities};
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::http::body::{Body, EmptyBody};
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;
use crate::store::Write;
use crate::store::identities::ApplicationRecord;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/tenants/{tid}/applications")
            .get(list_applications)
            .post(register_application)
            .default_service(method_not_allowed("GET, POST")),
    )
    .service(
        web::resource("/admin/tenants/{tid}/applications/{client_id}")
            .delete(delete_application)
            .default_service(method_not_allowed("DELETE")),
    )
    .service(
        web::resource("/admin/tenants/{tid}/applications/{client_id}/secrets")
            .post(add_secret)
            .default_service(method_not_allowed("POST")),
    );
}

/// `{tid}` and `{client_id}` of an application's paths.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ApplicationPath {
    /// The tenant id.
    pub tid: String,
    /// The application (client) id.
    pub client_id: String,
}

/// The applications registered in a tenant (without their secrets).
#[utoipa::path(
    get,
    path = "/admin/tenants/{tid}/applications",
    operation_id = "admin_list_applications",
    tag = "admin",
    params(("tid" = String, Path, description = "The tenant id.")),
    responses((status = 200, description = "The applications.", body = ApplicationInfoCollection), ErrorResponses)
)]
pub async fn list_applications(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    tid: web::Path<String>,
) -> Result<web::Json<ApplicationInfoCollection>, GraphError> {
    let tenant = tenant_id(&tid)?.to_lowercase();
    let records = state.store.applications(&tenant).await?;
    Ok(web::Json(ApplicationInfoCollection {
        value: records.iter().map(info).collect(),
    }))
}

/// Register an application (replacing one with the same client id): its credentials and what
/// it may be granted. Without secrets or certificates, a secret is generated and answered
/// once.
#[utoipa::path(
    post,
    path = "/admin/tenants/{tid}/applications",
    operation_id = "admin_register_application",
    tag = "admin",
    params(("tid" = String, Path, description = "The tenant id.")),
    request_body = NewApplication,
    responses((status = 201, description = "Registered: what the app's configuration needs.", body = ApplicationCredentials), BodyErrorResponses)
)]
pub async fn register_application(
    _admin: AdminCaller,
    req: HttpRequest,
    state: web::Data<AppState>,
    tid: web::Path<String>,
    body: Body<NewApplication>,
) -> Result<HttpResponse, GraphError> {
    let tenant = tenant_id(&tid)?.to_lowercase();
    let body = body.into_inner();
    printable_all("displayName", [body.display_name.as_str()])?;
    printable_all("roles", body.roles.iter().map(String::as_str))?;
    printable_all("scopes", body.scopes.iter().map(String::as_str))?;
    let client_id = match &body.client_id {
        Some(id) => identities::id(id)
            .map_err(|e| GraphError::invalid_argument(e.to_string()).with_target("clientId"))?,
        None => uuid::Uuid::new_v4().to_string(),
    };
    for (index, pem) in body.certificates.iter().enumerate() {
        crate::authority::assertion::certificate_key(pem).map_err(|e| {
            GraphError::invalid_argument(format!("certificates[{index}]: {e}"))
                .with_target("certificates")
        })?;
    }
    let generated = if body.secrets.is_empty() && body.certificates.is_empty() {
        Some(identities::generate_secret().map_err(|e| GraphError::internal(&*e))?)
    } else {
        None
    };
    let secrets: Vec<String> = body
        .secrets
        .iter()
        .cloned()
        .chain(generated.clone())
        .collect();
    let secret_hashes = hash_all(secrets).await?;
    let record = ApplicationRecord {
        tenant: tenant.clone(),
        client_id: client_id.clone(),
        display_name: body.display_name.clone(),
        roles: body.roles.clone(),
        scopes: body.scopes.clone(),
        secret_hashes,
        certificates: body.certificates.clone(),
    };
    state
        .store
        .write(Write::PutIdentities {
            applications: vec![record],
            users: Vec::new(),
        })
        .await?;
    Ok(HttpResponse::Created().json(credentials(&req, &state, &tenant, &client_id, generated)))
}

/// Remove an application: its tokens already issued stay valid until they expire.
#[utoipa::path(
    delete,
    path = "/admin/tenants/{tid}/applications/{client_id}",
    operation_id = "admin_delete_application",
    tag = "admin",
    params(ApplicationPath),
    responses((status = 204, description = "Removed."), ErrorResponses)
)]
pub async fn delete_application(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<ApplicationPath>,
) -> Result<HttpResponse, GraphError> {
    let tenant = tenant_id(&path.tid)?.to_lowercase();
    let client_id = identities::id(&path.client_id).map_err(|_| not_found(&path.client_id))?;
    let found = state
        .store
        .write(Write::DeleteIdentity {
            tenant,
            id: client_id,
            application: true,
        })
        .await?;
    if found == crate::store::Written::Found(true) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(not_found(&path.client_id))
    }
}

/// Add a generated secret to an application (the others stay valid); answered once.
#[utoipa::path(
    post,
    path = "/admin/tenants/{tid}/applications/{client_id}/secrets",
    operation_id = "admin_add_application_secret",
    tag = "admin",
    params(ApplicationPath),
    responses((status = 201, description = "The new secret, with the app's configuration.", body = ApplicationCredentials), ErrorResponses)
)]
pub async fn add_secret(
    _admin: AdminCaller,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<ApplicationPath>,
    _body: EmptyBody,
) -> Result<HttpResponse, GraphError> {
    let tenant = tenant_id(&path.tid)?.to_lowercase();
    let client_id = identities::id(&path.client_id).map_err(|_| not_found(&path.client_id))?;
    let mut record = state
        .store
        .application(&tenant, &client_id)
        .await?
        .ok_or_else(|| not_found(&client_id))?;
    let secret = identities::generate_secret().map_err(|e| GraphError::internal(&*e))?;
    record
        .secret_hashes
        .extend(hash_all(vec![secret.clone()]).await?);
    state
        .store
        .write(Write::PutIdentities {
            applications: vec![record],
            users: Vec::new(),
        })
        .await?;
    Ok(HttpResponse::Created().json(credentials(&req, &state, &tenant, &client_id, Some(secret))))
}

/// argon2 hashes of `secrets` (`authority::identities::hash_all`).
pub(super) async fn hash_all(secrets: Vec<String>) -> Result<Vec<String>, GraphError> {
    identities::hash_all(secrets)
        .await
        .map_err(|e| GraphError::internal(&*e))
}

fn credentials(
    req: &HttpRequest,
    state: &AppState,
    tenant: &str,
    client_id: &str,
    client_secret: Option<String>,
) -> ApplicationCredentials {
    let origin = discovery::origin(req);
    ApplicationCredentials {
        tenant_id: tenant.to_owned(),
        client_id: client_id.to_owned(),
        client_secret,
        authority: format!("{origin}/{tenant}"),
        graph_base_url: format!("{origin}/v1.0"),
        authority_host: origin,
        ca_certificate: state
            .ca_path
            .as_ref()
            .map(|path| std::path::absolute(path).unwrap_or_else(|_| path.clone()))
            .map(|path| path.display().to_string()),
    }
}

fn info(record: &ApplicationRecord) -> ApplicationInfo {
    ApplicationInfo {
        client_id: record.client_id.clone(),
        display_name: record.display_name.clone(),
        roles: record.roles.clone(),
        scopes: record.scopes.clone(),
        secret_count: u32::try_from(record.secret_hashes.len()).unwrap_or(u32::MAX),
        certificate_count: u32::try_from(record.certificates.len()).unwrap_or(u32::MAX),
    }
}

/// Every text of a field is free of control characters (which no stored name holds, and which
/// PostgreSQL cannot store at all when it is a NUL).
pub(super) fn printable_all<'a>(
    field: &'static str,
    texts: impl IntoIterator<Item = &'a str>,
) -> Result<(), GraphError> {
    for text in texts {
        if text.chars().any(char::is_control) || text.chars().count() > 1024 {
            return Err(GraphError::invalid_argument(format!(
                "'{field}' holds a control character or is over 1024 characters."
            ))
            .with_target(field));
        }
    }
    Ok(())
}

fn not_found(client_id: &str) -> GraphError {
    GraphError::not_found(format!("No application '{client_id}' in this tenant."))
}
