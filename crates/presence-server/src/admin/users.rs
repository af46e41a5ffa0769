//! The authority's test users: `/admin/tenants/{tid}/testUsers` (list, add) and
//! `/admin/tenants/{tid}/testUsers/{id}` (delete). Passwords are stored hashed and never shown.

use actix_web::{HttpResponse, web};
use presence_model::{NewUser, UserInfo, UserInfoCollection};

use super::AdminCaller;
use super::applications::hash_all;
use super::scope::{UserOfTenant, tenant_id};
use crate::authority::identities;
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::http::body::Body;
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;
use crate::store::identities::UserRecord;
use crate::store::{Write, Written};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/tenants/{tid}/testUsers")
            .get(list_users)
            .post(add_user)
            .default_service(method_not_allowed("GET, POST")),
    )
    .service(
        web::resource("/admin/tenants/{tid}/testUsers/{id}")
            .delete(delete_user)
            .default_service(method_not_allowed("DELETE")),
    );
}

/// The test users of a tenant (without their passwords).
#[utoipa::path(
    get,
    path = "/admin/tenants/{tid}/testUsers",
    operation_id = "admin_list_users",
    tag = "admin",
    params(("tid" = String, Path, description = "The tenant id.")),
    responses((status = 200, description = "The users.", body = UserInfoCollection), ErrorResponses)
)]
pub async fn list_users(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    tid: web::Path<String>,
) -> Result<web::Json<UserInfoCollection>, GraphError> {
    let tenant = tenant_id(&tid)?.to_lowercase();
    let records = state.store.users(&tenant).await?;
    Ok(web::Json(UserInfoCollection {
        value: records.iter().map(info).collect(),
    }))
}

/// Add a test user (replacing one with the same id), who may then sign in with the password
/// (and the device-code and authorization-code flows).
#[utoipa::path(
    post,
    path = "/admin/tenants/{tid}/testUsers",
    operation_id = "admin_add_user",
    tag = "admin",
    params(("tid" = String, Path, description = "The tenant id.")),
    request_body = NewUser,
    responses((status = 201, description = "Added.", body = UserInfo), BodyErrorResponses)
)]
pub async fn add_user(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    tid: web::Path<String>,
    body: Body<NewUser>,
) -> Result<HttpResponse, GraphError> {
    let tenant = tenant_id(&tid)?.to_lowercase();
    let body = body.into_inner();
    super::applications::printable_all("displayName", [body.display_name.as_str()])?;
    let id = match &body.id {
        Some(id) => identities::id(id)
            .map_err(|e| GraphError::invalid_argument(e.to_string()).with_target("id"))?,
        None => uuid::Uuid::new_v4().to_string(),
    };
    let upn = body.user_principal_name.trim().to_lowercase();
    if !upn.contains('@') || upn.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(GraphError::invalid_argument(
            "'userPrincipalName' must look like name@domain.",
        )
        .with_target("userPrincipalName"));
    }
    if body.password.is_empty() {
        return Err(
            GraphError::invalid_argument("'password' must not be empty.").with_target("password"),
        );
    }
    let password_hash = hash_all(vec![body.password.clone()])
        .await?
        .pop()
        .unwrap_or_default();
    let record = UserRecord {
        tenant,
        id,
        user_principal_name: upn,
        display_name: body.display_name.clone(),
        password_hash,
    };
    state
        .store
        .write(Write::PutIdentities {
            applications: Vec::new(),
            users: vec![record.clone()],
        })
        .await?;
    Ok(HttpResponse::Created().json(info(&record)))
}

/// Remove a test user: tokens already issued stay valid until they expire.
#[utoipa::path(
    delete,
    path = "/admin/tenants/{tid}/testUsers/{id}",
    operation_id = "admin_delete_user",
    tag = "admin",
    params(UserOfTenant),
    responses((status = 204, description = "Removed."), ErrorResponses)
)]
pub async fn delete_user(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<UserOfTenant>,
) -> Result<HttpResponse, GraphError> {
    let tenant = tenant_id(&path.tid)?.to_lowercase();
    let not_found = || GraphError::not_found(format!("No user '{}' in this tenant.", path.id));
    let id = identities::id(&path.id).map_err(|_| not_found())?;
    let found = state
        .store
        .write(Write::DeleteIdentity {
            tenant,
            id,
            application: false,
        })
        .await?;
    if found == Written::Found(true) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(not_found())
    }
}

fn info(record: &UserRecord) -> UserInfo {
    UserInfo {
        id: record.id.clone(),
        user_principal_name: record.user_principal_name.clone(),
        display_name: record.display_name.clone(),
    }
}
