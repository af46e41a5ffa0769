//! Reading presence: one user (`GET .../presence`) or many (`getPresencesByUserId`).

use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, web};
use presence_model::{GetPresencesByUserIdRequest, Presence, PresenceCollection};

use super::odata::{collection_context, presence_context, sequence_number};
use super::select;
use super::target::{Allowed, Target, ToRead, ToReadMany, UserPath, normalise_user_id};
use crate::auth::Access;
use crate::engine::PresenceView;
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::http::body::Body;
use crate::state::AppState;

/// Most ids one `getPresencesByUserId` accepts (Graph's documented limit).
pub const MAX_BATCH_IDS: usize = 650;

/// Get a user's presence: the aggregate of the user's live sessions and preference.
///
/// Takes OData `$select` as Graph does (`?$select=availability,activity`: those and `id`;
/// an unknown property is 400). This document describes the full answer only.
#[utoipa::path(
    get,
    path = "/users/{id}/presence",
    operation_id = "get_presence",
    tag = "presence",
    params(UserPath),
    responses(
        (status = 200, description = "The user's presence.", body = Presence),
        ErrorResponses,
    )
)]
pub async fn get_presence(
    req: HttpRequest,
    state: web::Data<AppState>,
    target: Target<ToRead>,
) -> Result<HttpResponse, GraphError> {
    let selected = select::selection(&req)?;
    let now = state.clock.now();
    let user = state
        .store
        .load_user_shared(&target.key.tenant, &target.key.user)
        .await?;
    let mut presence = presence_body(target.key.user, user.view(now, target.audience));
    presence.odata_context = Some(presence_context(&req, &presence.id));
    Ok(match selected {
        Some(selected) => HttpResponse::Ok().json(select::apply(&presence, &selected)),
        None => HttpResponse::Ok().json(presence),
    })
}

/// Get the presence of several users at once (at most 650), in the order asked.
#[utoipa::path(
    post,
    path = "/communications/getPresencesByUserId",
    operation_id = "get_presences_by_user_id",
    tag = "presence",
    request_body = GetPresencesByUserIdRequest,
    responses(
        (status = 200, description = "One presence per distinct id, in the order asked.", body = PresenceCollection),
        BodyErrorResponses,
    )
)]
pub async fn get_presences_by_user_id(
    req: HttpRequest,
    state: web::Data<AppState>,
    allowed: Allowed<ToReadMany>,
    body: Body<GetPresencesByUserIdRequest>,
) -> Result<web::Json<PresenceCollection>, GraphError> {
    let caller = allowed.caller;
    let ids = distinct_ids(&body.ids)?;
    let audiences = ids
        .iter()
        .map(|id| caller.authorize(Access::ReadMany, id))
        .collect::<Result<Vec<_>, _>>()?;
    let now = state.clock.now();
    let mut users = state.store.load_users(&caller.tenant, &ids).await?;
    let value = ids
        .into_iter()
        .zip(audiences)
        .map(|(id, audience)| {
            let view = users.remove(&id).unwrap_or_default().view(now, audience);
            presence_body(id, view)
        })
        .collect();
    Ok(web::Json(PresenceCollection {
        odata_context: Some(collection_context(&req)),
        value,
    }))
}

/// Validated, normalised ids, each once, in the order first asked.
pub(super) fn distinct_ids(ids: &[String]) -> Result<Vec<String>, GraphError> {
    if ids.is_empty() {
        return Err(
            GraphError::bad_request("ids must contain at least one user id.").with_target("ids"),
        );
    }
    if ids.len() > MAX_BATCH_IDS {
        return Err(GraphError::bad_request(format!(
            "ids has {} entries; at most {MAX_BATCH_IDS} are allowed per request.",
            ids.len()
        ))
        .with_target("ids"));
    }
    let mut seen = HashSet::with_capacity(ids.len());
    let mut distinct = Vec::with_capacity(ids.len());
    for raw in ids {
        let id = normalise_user_id(raw).map_err(|e| e.with_target("ids"))?;
        if seen.insert(id.clone()) {
            distinct.push(id);
        }
    }
    Ok(distinct)
}

/// The wire form of a user's presence view (without `@odata.context`).
pub(crate) fn presence_body(id: String, view: PresenceView) -> Presence {
    Presence {
        odata_context: None,
        id,
        availability: view.presence.availability,
        activity: view.presence.activity,
        out_of_office_settings: view.out_of_office,
        sequence_number: sequence_number(view.version),
        status_message: view.status_message,
        work_location: view.work_location,
    }
}
