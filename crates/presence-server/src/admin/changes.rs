//! The change history (`crate::history`): `GET /admin/tenants/{tid}/users/{id}/changes`, a
//! user's recorded changes, and `GET /admin/events`, every change as it happens
//! (server-sent events), which the dashboard follows.

use std::convert::Infallible;
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use presence_model::PresenceChangeCollection;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

use super::AdminCaller;
use super::scope::{UserOfTenant, tenant_id};
use crate::error::{ErrorResponses, GraphError};
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;

/// A comment this often keeps proxies from closing an idle stream, and finds a client that
/// went away, so that its place among the open streams is given back within seconds.
const KEEP_ALIVE: Duration = Duration::from_secs(5);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/tenants/{tid}/users/{id}/changes")
            .get(user_changes)
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/admin/events")
            .get(admin_events)
            .default_service(method_not_allowed("GET")),
    );
}

/// The changes of a user's presence this server recorded (newest first, at most 50): when,
/// from what to what, why, and which rule decided.
#[utoipa::path(
    get,
    path = "/admin/tenants/{tid}/users/{id}/changes",
    operation_id = "admin_user_changes",
    tag = "admin",
    params(UserOfTenant),
    responses((status = 200, description = "The user's changes.", body = PresenceChangeCollection), ErrorResponses)
)]
pub async fn user_changes(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<UserOfTenant>,
) -> Result<web::Json<PresenceChangeCollection>, GraphError> {
    let key = path.key()?;
    Ok(web::Json(PresenceChangeCollection {
        value: state.history.changes(&key),
    }))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsScope {
    /// Only the changes of this tenant's users.
    pub tenant: Option<String>,
}

/// Every presence change as it is recorded (text/event-stream): `event: change` with a
/// `PresenceChange`; `event: resync` when the reader fell behind and should read again;
/// a last `event: end` when the token expires (`tokenExpired`) or the server stops
/// (`shutdown`).
#[utoipa::path(
    get,
    path = "/admin/events",
    operation_id = "admin_events",
    tag = "admin",
    params(EventsScope),
    responses(
        (status = 200, description = "Server-sent events: `event: change`, data = a PresenceChange.", body = String, content_type = "text/event-stream"),
        ErrorResponses,
    )
)]
pub async fn admin_events(
    admin: AdminCaller,
    state: web::Data<AppState>,
    scope: web::Query<EventsScope>,
) -> Result<HttpResponse, GraphError> {
    let tenant = scope.tenant.as_deref().map(tenant_id).transpose()?;
    let caller = &admin.0;
    let mut slot =
        state
            .streams
            .open(&caller.tenant, caller.app_id.as_deref(), caller.expires_at)?;
    let mut changes = state.history.subscribe();
    let (events, stream) = mpsc::channel::<Bytes>(64);
    actix_web::rt::spawn(async move {
        let _open = crate::metrics::OpenStream::new();
        if events
            .send(Bytes::from_static(b": open\n\n"))
            .await
            .is_err()
        {
            return;
        }
        loop {
            let event = tokio::select! {
                change = changes.recv() => match change {
                    Ok(change) if tenant.as_deref().is_none_or(|t| t == change.tenant) => {
                        match serde_json::to_string(&change) {
                            Ok(json) => format!("event: change\ndata: {json}\n\n"),
                            Err(_) => continue,
                        }
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => "event: resync\ndata: {}\n\n".to_owned(),
                    Err(RecvError::Closed) => return,
                },
                () = tokio::time::sleep(KEEP_ALIVE) => ": keep-alive\n\n".to_owned(),
                () = events.closed() => return,
                end = slot.ended() => {
                    let _ = events.send(Bytes::from_static(end.event())).await;
                    return;
                }
            };
            if events.send(Bytes::from(event)).await.is_err() {
                return;
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .streaming(ReceiverStream::new(stream).map(Ok::<_, Infallible>)))
}
