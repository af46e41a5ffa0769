//! A tenant's users with their state: `GET /admin/tenants/{tid}/users` (a page, by id) and
//! `GET /admin/tenants/{tid}/users/{id}`: the presence a read shows the owner, each session
//! with what it contributes now, the preferred presence. For tooling and the dashboard.

use actix_web::web;
use presence_model::{PreferredInfo, SessionInfo, TenantUser, TenantUserCollection};

use super::AdminCaller;
use super::scope::{UserOfTenant, tenant_id};
use crate::engine::{Audience, SessionKind, UserState};
use crate::error::{ErrorResponses, GraphError};
use crate::http::fallback::method_not_allowed;
use crate::routes::presence::presence_body;
use crate::state::AppState;

/// Most users in one page.
const MAX_PAGE: u32 = 1000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/tenants/{tid}/users")
            .get(list_tenant_users)
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/admin/tenants/{tid}/users/{id}")
            .get(get_tenant_user)
            .default_service(method_not_allowed("GET")),
    );
}

/// `after` and `top` of a page.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Only users whose id sorts after this one (the previous page's `nextAfter`).
    pub after: Option<String>,
    /// At most this many users (1 to 1000; default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub top: Option<u32>,
}

/// The users of a tenant that have any state, by id, a page at a time.
#[utoipa::path(
    get,
    path = "/admin/tenants/{tid}/users",
    operation_id = "admin_list_tenant_users",
    tag = "admin",
    params(("tid" = String, Path, description = "The tenant id."), Page),
    responses((status = 200, description = "A page of users.", body = TenantUserCollection), ErrorResponses)
)]
pub async fn list_tenant_users(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    tid: web::Path<String>,
    page: web::Query<Page>,
) -> Result<web::Json<TenantUserCollection>, GraphError> {
    let tenant = tenant_id(&tid)?;
    let top = page.top.unwrap_or(100);
    if !(1..=MAX_PAGE).contains(&top) {
        return Err(
            GraphError::invalid_argument(format!("'top' is between 1 and {MAX_PAGE}."))
                .with_target("top"),
        );
    }
    if page
        .after
        .as_deref()
        .is_some_and(|after| after.chars().any(char::is_control))
    {
        return Err(
            GraphError::invalid_argument("'after' holds a control character.").with_target("after"),
        );
    }
    let ids = state
        .store
        .user_ids(&tenant, page.after.as_deref(), top)
        .await?;
    let mut states = state.store.load_users(&tenant, &ids).await?;
    let now = state.clock.now();
    let next_after = (ids.len() == top as usize)
        .then(|| ids.last().cloned())
        .flatten();
    let value = ids
        .into_iter()
        .map(|id| {
            let user = states.remove(&id).unwrap_or_default();
            tenant_user(id, &user, now)
        })
        .collect();
    Ok(web::Json(TenantUserCollection { value, next_after }))
}

/// One user of a tenant, with the state behind the presence (a user never written has none).
#[utoipa::path(
    get,
    path = "/admin/tenants/{tid}/users/{id}",
    operation_id = "admin_get_tenant_user",
    tag = "admin",
    params(UserOfTenant),
    responses((status = 200, description = "The user.", body = TenantUser), ErrorResponses)
)]
pub async fn get_tenant_user(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<UserOfTenant>,
) -> Result<web::Json<TenantUser>, GraphError> {
    let key = path.key()?;
    let user = state.store.load_user(&key.tenant, &key.user).await?;
    Ok(web::Json(tenant_user(key.user, &user, state.clock.now())))
}

fn tenant_user(id: String, user: &UserState, now: jiff::Timestamp) -> TenantUser {
    let presence = presence_body(id.clone(), user.view(now, Audience::Owner));
    let mut ordered: Vec<&crate::engine::Session> = user.sessions.iter().collect();
    ordered.sort_by_key(|session| std::cmp::Reverse(session.refreshed_at));
    let sessions: Vec<SessionInfo> = ordered
        .into_iter()
        .map(|session| {
            let shows = session.state_at(now);
            SessionInfo {
                session_id: session.session_id.clone(),
                kind: match session.kind {
                    SessionKind::Application => "application",
                    SessionKind::Client => "client",
                }
                .to_owned(),
                availability: session.availability,
                activity: session.activity,
                refreshed_at: session.refreshed_at.to_string(),
                expires_at: session.expires_at.to_string(),
                live: session.is_live(now),
                now_availability: shows.map(|(availability, _)| availability),
                now_activity: shows.map(|(_, activity)| activity),
                fades_at: session
                    .fade_times()
                    .find(|at| *at > now)
                    .map(|at| at.to_string()),
            }
        })
        .collect();
    TenantUser {
        id,
        presence,
        sessions,
        preferred: user.preferred.as_ref().map(|preferred| PreferredInfo {
            availability: preferred.availability,
            activity: preferred.activity,
            expires_at: preferred.expires_at.to_string(),
        }),
        decided_by: user.decided_by(now),
        next_change_at: user.next_transition(now).map(|at| at.to_string()),
    }
}
