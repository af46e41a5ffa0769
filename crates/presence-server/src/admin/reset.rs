//! `POST /admin/reset`: a clean state between an app's tests, for one user, one tenant or
//! everything. Nothing a reset removes is announced to subscribers as a change; a
//! subscription the reset deletes gets `subscriptionRemoved` at its
//! `lifecycleNotificationUrl`, if it has one. Live streams see the users go
//! `Offline`/`Offline` (at once for one user, within their one-second recheck for more).

use actix_web::web;
use presence_model::{ResetOutcome, ResetScope};

use super::AdminCaller;
use super::scope::{tenant_id, user_key};
use crate::error::{BodyErrorResponses, GraphError};
use crate::http::body::Body;
use crate::http::fallback::method_not_allowed;
use crate::notify::lifecycle::{self, Notice};
use crate::state::AppState;
use crate::store::Cause;
use crate::store::{ResetTarget, SubscriptionRecord, Write, Written};
use presence_model::LifecycleEvent;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/reset")
            .post(reset)
            .default_service(method_not_allowed("POST")),
    );
}

/// Reset presence state: everything (`{}`), a tenant (`{"tenant"}`: also its subscriptions
/// and their pending notifications), or one user (`{"tenant","user"}`: the user's sessions,
/// preferred presence, status message and work location; subscriptions stay and announce
/// nothing for the reset). `sequenceNumber` keeps growing across a reset.
#[utoipa::path(
    post,
    path = "/admin/reset",
    operation_id = "admin_reset",
    tag = "admin",
    request_body = ResetScope,
    responses(
        (status = 200, description = "What was removed.", body = ResetOutcome),
        BodyErrorResponses,
    )
)]
pub async fn reset(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    body: Body<ResetScope>,
) -> Result<web::Json<ResetOutcome>, GraphError> {
    let target = match (&body.tenant, &body.user) {
        (None, None) => ResetTarget::Everything,
        (Some(tenant), None) => ResetTarget::Tenant(tenant_id(tenant)?),
        (Some(tenant), Some(user)) => ResetTarget::User(user_key(tenant, user)?),
        (None, Some(_)) => {
            return Err(GraphError::invalid_argument(
                "A user is reset within a tenant: give 'tenant' with 'user'.",
            )
            .with_target("tenant"));
        }
    };
    let now = state.clock.now();
    let removed = removed_subscriptions(&state, &target, now).await?;
    let (tenant, user) = target.filters();
    let (tenant, user) = (tenant.map(str::to_owned), user.map(str::to_owned));
    let written = state.store.write(Write::Reset { target, now }).await?;
    if user.is_none() {
        // A reset of a tenant or of everything names no user to the change feed.
        state
            .history
            .recheck(tenant.as_deref(), Vec::new(), Cause::Reset);
    }
    let Written::Reset {
        users,
        subscriptions,
    } = written
    else {
        return Err(GraphError::internal(&UnexpectedAnswer));
    };
    for record in &removed {
        if let Some(notice) = Notice::of(record, LifecycleEvent::SubscriptionRemoved) {
            lifecycle::send(&state.sender, notice);
        }
    }
    Ok(web::Json(ResetOutcome {
        users: users.into(),
        subscriptions: subscriptions.into(),
    }))
}

/// The store answered a reset with something else (a bug, reported as a 500).
/// The live subscriptions a reset of `target` deletes, read just before it (one created in
/// between is deleted without its `subscriptionRemoved`).
async fn removed_subscriptions(
    state: &AppState,
    target: &ResetTarget,
    now: jiff::Timestamp,
) -> Result<Vec<SubscriptionRecord>, GraphError> {
    Ok(match target {
        ResetTarget::Everything => state.store.all_subscriptions(now).await?,
        ResetTarget::Tenant(tenant) => state.store.list_subscriptions(tenant, None, now).await?,
        ResetTarget::User(_) => Vec::new(),
    })
}

#[derive(Debug, thiserror::Error)]
#[error("the store did not answer the reset with its outcome")]
struct UnexpectedAnswer;
