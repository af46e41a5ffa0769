//! HTTP mapping: which path and method reach which handler, under both API versions and at
//! every alias Graph has. Handlers stay thin: extract, call the engine and the store, answer.

pub mod batch;

pub mod docs;
pub mod events;

pub mod health;
pub mod location;
pub mod metadata;
pub mod metrics;
pub mod odata;
pub mod preferred;
pub mod presence;
pub mod select;
pub mod sessions;
pub mod status_message;

pub mod subscriptions;
pub mod target;

use actix_web::{FromRequest, Handler, Responder, web};

use crate::http::fallback;

pub use crate::surface::API_VERSIONS;

/// The path shapes that address one user's presence (`{id}` is the user id; `/me` is the
/// signed-in user of a delegated token).
pub const PRESENCE_PATHS: [&str; 3] = [
    "/users/{id}/presence",
    "/communications/presences/{id}",
    "/me/presence",
];

/// Graph's routes, and the operator's: health checks, `/metrics`, the API description
/// `document` and its explorer (`/docs`). Admin and authority routes are their own modules'.
pub fn configure(cfg: &mut web::ServiceConfig, document: Option<serde_json::Value>) {
    cfg.service(
        web::resource("/healthz")
            .get(health::healthz)
            .default_service(fallback::method_not_allowed("GET")),
    )
    .service(
        web::resource("/livez")
            .get(health::livez)
            .default_service(fallback::method_not_allowed("GET")),
    )
    .service(
        web::resource("/readyz")
            .get(health::readyz)
            .default_service(fallback::method_not_allowed("GET")),
    );
    cfg.service(
        web::resource("/metrics")
            .get(metrics::metrics)
            .default_service(fallback::method_not_allowed("GET")),
    );
    cfg.configure(|cfg| docs::configure(cfg, document));
    for version in API_VERSIONS {
        cfg.service(web::scope(version).configure(graph_api));
    }
}

/// The Graph operations, relative to a version prefix.
fn graph_api(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/$batch")
            .post(batch::batch)
            .default_service(fallback::method_not_allowed("POST")),
    );
    cfg.service(
        web::resource("/$metadata")
            .get(metadata::metadata)
            .default_service(fallback::method_not_allowed("GET")),
    );
    for base in PRESENCE_PATHS {
        cfg.service(
            web::resource(base)
                .get(presence::get_presence)
                .default_service(fallback::method_not_allowed("GET")),
        );
        action(cfg, base, "setPresence", sessions::set_presence);
        action(cfg, base, "clearPresence", sessions::clear_presence);
        action(
            cfg,
            base,
            "setUserPreferredPresence",
            preferred::set_user_preferred_presence,
        );
        action(
            cfg,
            base,
            "clearUserPreferredPresence",
            preferred::clear_user_preferred_presence,
        );
        action(
            cfg,
            base,
            "setStatusMessage",
            status_message::set_status_message,
        );
        action(
            cfg,
            base,
            "setManualLocation",
            location::set_manual_location,
        );
        action(
            cfg,
            base,
            "setAutomaticLocation",
            location::set_automatic_location,
        );
        action(
            cfg,
            base,
            "clearAutomaticLocation",
            location::clear_automatic_location,
        );
        action(cfg, base, "clearLocation", location::clear_location);
    }
    action(
        cfg,
        "/communications",
        "getPresencesByUserId",
        presence::get_presences_by_user_id,
    );
    cfg.service(
        web::resource("/events/presence")
            .get(events::presence_events)
            .default_service(fallback::method_not_allowed("GET")),
    );
    cfg.service(
        web::resource("/subscriptions")
            .post(subscriptions::create_subscription)
            .get(subscriptions::list_subscriptions)
            .default_service(fallback::method_not_allowed("POST, GET")),
    )
    .service(
        web::resource("/subscriptions/{subscription_id}")
            .get(subscriptions::get_subscription)
            .patch(subscriptions::update_subscription)
            .delete(subscriptions::delete_subscription)
            .default_service(fallback::method_not_allowed("GET, PATCH, DELETE")),
    );
    action(
        cfg,
        "/subscriptions/{subscription_id}",
        "reauthorize",
        subscriptions::reauthorize_subscription,
    );
}

/// Registers a POST action at `{base}/{name}` and at its namespace-qualified form
/// `{base}/microsoft.graph.{name}`, which OData clients and some SDKs use.
fn action<F, Args>(cfg: &mut web::ServiceConfig, base: &str, name: &str, handler: F)
where
    F: Handler<Args> + Clone,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    for path in [
        format!("{base}/{name}"),
        format!("{base}/microsoft.graph.{name}"),
    ] {
        cfg.service(
            web::resource(path)
                .post(handler.clone())
                .default_service(fallback::method_not_allowed("POST")),
        );
    }
}
