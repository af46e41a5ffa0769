//! The server's clock: read it always; with `--clock manual`, move it, so that apps under
//! test see the 5- and 10-minute fades and session expiry in milliseconds. Time is shared
//! by every tenant, hence admin only.

use actix_web::web;
use presence_model::{ClockAdvance, ClockReading};

use super::AdminCaller;
use crate::engine::duration::parse_duration;
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::http::body::Body;
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/clock")
            .get(read_clock)
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/admin/clock/advance")
            .post(advance_clock)
            .default_service(method_not_allowed("POST")),
    );
}

/// The server clock's time (the wall clock, unless the server runs with `--clock manual`).
#[utoipa::path(
    get,
    path = "/admin/clock",
    operation_id = "admin_read_clock",
    tag = "admin",
    responses(
        (status = 200, description = "The clock's time.", body = ClockReading),
        ErrorResponses,
    )
)]
pub async fn read_clock(
    _admin: AdminCaller,
    state: web::Data<AppState>,
) -> web::Json<ClockReading> {
    web::Json(ClockReading {
        now: state.clock.now().to_string(),
    })
}

/// Move the manual clock forward (`--clock manual` only; 404 with the system clock). Fades,
/// expiries and their notifications follow at once.
#[utoipa::path(
    post,
    path = "/admin/clock/advance",
    operation_id = "admin_advance_clock",
    tag = "admin",
    request_body = ClockAdvance,
    responses(
        (status = 200, description = "The clock's time after the move.", body = ClockReading),
        BodyErrorResponses,
    )
)]
pub async fn advance_clock(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    body: Body<ClockAdvance>,
) -> Result<web::Json<ClockReading>, GraphError> {
    let Some(clock) = &state.manual_clock else {
        return Err(GraphError::not_found(
            "The clock is not manual: start the server with --clock manual to move it.",
        ));
    };
    let by = parse_duration(&body.by)
        .map_err(|e| GraphError::invalid_argument(e.to_string()).with_target("by"))?;
    if by.is_negative() {
        return Err(GraphError::invalid_argument(
            "The clock only moves forward: 'by' must not be negative.",
        )
        .with_target("by"));
    }
    let now = clock
        .advance(by)
        .map_err(|e| GraphError::invalid_argument(e.to_string()).with_target("by"))?;
    Ok(web::Json(ClockReading {
        now: now.to_string(),
    }))
}
