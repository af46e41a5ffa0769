//! Teams client sessions: `PUT`/`DELETE /admin/tenants/{tid}/users/{id}/clients/{clientId}`.
//! What the Teams desktop or mobile client reports, with any pair Graph can show; the
//! engine aggregates them with the applications' sessions (`SessionKind::Client`).

use actix_web::{HttpResponse, web};
use presence_model::ClientSession;
use serde::Deserialize;

use super::AdminCaller;
use super::scope::{printable, user_key};
use crate::engine::expiration::client_expiration;
use crate::engine::{Session, SessionKind};
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::http::body::Body;
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;
use crate::store::{Write, Written};

/// Longest client id accepted.
const MAX_CLIENT_ID: usize = 256;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/tenants/{tid}/users/{id}/clients/{client_id}")
            .put(put_client)
            .delete(delete_client)
            .default_service(method_not_allowed("PUT, DELETE")),
    );
}

/// The path of one client session.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ClientPath {
    /// The tenant id.
    pub tid: String,
    /// The user id.
    pub id: String,
    /// The client's id (any name: `teams-desktop`, `teams-mobile`, …).
    pub client_id: String,
}

/// Set a Teams client's session for a user: any availability/activity pair, no fading,
/// until removed unless `expirationDuration` is given. Subscribers and streams see the
/// change like any other.
#[utoipa::path(
    put,
    path = "/admin/tenants/{tid}/users/{id}/clients/{client_id}",
    operation_id = "admin_put_client_session",
    tag = "admin",
    params(ClientPath),
    request_body = ClientSession,
    responses((status = 204, description = "Set."), BodyErrorResponses)
)]
pub async fn put_client(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<ClientPath>,
    body: Body<ClientSession>,
) -> Result<HttpResponse, GraphError> {
    let user = user_key(&path.tid, &path.id)?;
    printable(&path.client_id, MAX_CLIENT_ID, "clientId")?;
    let now = state.clock.now();
    let expires_at =
        client_expiration(body.expiration_duration.as_deref(), now).map_err(|message| {
            GraphError::invalid_argument(message).with_target("expirationDuration")
        })?;
    let session = Session {
        session_id: path.client_id.clone(),
        kind: SessionKind::Client,
        availability: body.availability,
        activity: body.activity,
        refreshed_at: now,
        expires_at,
    };
    state
        .store
        .write(Write::PutSession { user, session })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Remove a Teams client's session (404 when the user has no such live session).
#[utoipa::path(
    delete,
    path = "/admin/tenants/{tid}/users/{id}/clients/{client_id}",
    operation_id = "admin_delete_client_session",
    tag = "admin",
    params(ClientPath),
    responses((status = 204, description = "Removed."), ErrorResponses)
)]
pub async fn delete_client(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<ClientPath>,
) -> Result<HttpResponse, GraphError> {
    let user = user_key(&path.tid, &path.id)?;
    let written = state
        .store
        .write(Write::RemoveSession {
            user,
            session_id: path.client_id.clone(),
            kind: SessionKind::Client,
            now: state.clock.now(),
        })
        .await?;
    if written == Written::SessionRemoved(true) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(GraphError::not_found(format!(
            "The user has no live session of client '{}'.",
            path.client_id
        )))
    }
}
