//! The API description: utoipa collects it from the handlers' annotations, and
//! [`downgrade`] turns utoipa's OpenAPI 3.1 into the 3.0 that progenitor reads.
//!
//! `cargo xtask gen` writes [`document_json`] to `openapi/presence.json`; nothing here needs a
//! database or a running server.

pub mod downgrade;
pub mod snapshot_schema;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{admin, authority, routes};

/// Operations and schemas of the Graph presence API, relative to a version base URL
/// (`http://host:port/v1.0` or `.../beta`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "presence",
        description = "A self-hosted, persistent re-implementation of the Microsoft Graph presence API.",
        license(name = "MIT OR Apache-2.0"),
    ),
    servers((url = "/v1.0", description = "Graph v1.0"), (url = "/beta", description = "Graph beta")),
    paths(
        routes::presence::get_presence,
        routes::presence::get_presences_by_user_id,
        routes::sessions::set_presence,
        routes::sessions::clear_presence,
        routes::preferred::set_user_preferred_presence,
        routes::preferred::clear_user_preferred_presence,
        routes::status_message::set_status_message,
        routes::location::set_manual_location,
        routes::location::set_automatic_location,
        routes::location::clear_automatic_location,
        routes::location::clear_location,
        routes::events::presence_events,
        routes::subscriptions::create_subscription,
        routes::subscriptions::list_subscriptions,
        routes::subscriptions::get_subscription,
        routes::subscriptions::update_subscription,
        routes::subscriptions::delete_subscription,
        routes::subscriptions::reauthorize_subscription,
        routes::batch::batch,
        admin::clock::read_clock,
        admin::clock::advance_clock,
        admin::reset::reset,
        admin::info::server_info,
        admin::journal::list_requests,
        admin::journal::clear_requests,
        admin::journal::list_deliveries,
        admin::journal::clear_deliveries,
        admin::faults::add_fault,
        admin::faults::list_faults,
        admin::faults::clear_faults,
        admin::faults::delete_fault,
        admin::clients::put_client,
        admin::clients::delete_client,
        admin::out_of_office::set_out_of_office,
        admin::calendar::add_calendar_entry,
        admin::calendar::list_calendar_entries,
        admin::calendar::get_calendar_entry,
        admin::calendar::delete_calendar_entry,
        admin::snapshot::export_snapshot,
        admin::snapshot::import_snapshot,
        admin::applications::list_applications,
        admin::applications::register_application,
        admin::applications::delete_application,
        admin::applications::add_secret,
        admin::users::list_users,
        admin::users::add_user,
        admin::users::delete_user,
        admin::device_codes::approve_device_code,
        admin::tenant_users::list_tenant_users,
        admin::tenant_users::get_tenant_user,
        admin::tenant_subscriptions::list_tenant_subscriptions,
        admin::changes::user_changes,
        admin::changes::admin_events,
        routes::metrics::metrics,
        authority::keys::signing_keys,
        authority::discovery::openid_configuration,
        authority::discovery::openid_configuration_v1,
        authority::discovery::instance_discovery,
        authority::token::token,
        authority::devices::device_code,
        authority::devices::login_page,
        authority::devices::login,
        authority::authorize::authorize_get,
        authority::authorize::authorize_post,
    ),
    // The error envelope every error status refers to (responses name it by reference only),
    // and what notification receivers get (no operation returns them: they are POSTed to
    // the subscriber), so clients have their types.
    components(schemas(
        presence_model::ODataError,
        presence_model::ChangeNotificationCollection,
        presence_model::LifecycleNotificationCollection,
    )),
    modifiers(&BearerToken, &AdminAtRoot),
    security(("bearer" = [])),
    tags(
        (name = "presence", description = "Presence sessions, preferred presence, status message."),
        (name = "location", description = "Work location layers."),
        (name = "subscriptions", description = "Change notifications (webhooks)."),
        (name = "batch", description = "JSON batching: up to 20 requests in one."),
        (name = "admin", description = "The emulator's control plane (not Graph): paths relative to the server's root, an application token with the Presence.Admin role."),
        (name = "operations", description = "For operators (not Graph): Prometheus metrics, at the server's root, open to anyone."),
        (name = "authority", description = "The server as an Entra-shaped token issuer (not Graph): paths relative to the server's root, open to anyone."),
    )
)]
pub struct ApiDoc;

/// Declares the bearer token every operation takes (Swagger UI's "Authorize" button).
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some(
                "An Entra-shaped access token; `presencectl token` mints development ones.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// Gives the admin and authority paths their own server, `/`: they hang off the server's root, not off a
/// Graph version like the rest. (Clients that ignore path-level servers, progenitor's among
/// them, reach them through a client whose base URL is the server's root.)
struct AdminAtRoot;

impl Modify for AdminAtRoot {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let root = utoipa::openapi::server::ServerBuilder::new()
            .url("/")
            .description(Some(
                "The server's root (admin operations are not versioned).",
            ))
            .build();
        for (path, item) in openapi.paths.paths.iter_mut() {
            if crate::surface::at_root(path) {
                item.servers = Some(vec![root.clone()]);
            }
        }
    }
}

/// (method, path template) → operation id of every operation the description has: what
/// `crate::operations` is handed at start.
pub fn operation_table() -> crate::operations::Table {
    let doc = ApiDoc::openapi();
    let mut table = crate::operations::Table::new();
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in operations {
            if let Some(id) = operation.as_ref().and_then(|o| o.operation_id.clone()) {
                table.insert((method.to_owned(), path.clone()), id);
            }
        }
    }
    table
}

/// The document `/openapi.json` serves: without its bearer security when `auth_on` is false,
/// so that clients and schema-driven tools do not expect (or send) a token this server never
/// asks for; `None` (and `/docs` off) if it cannot be built.
pub fn served_document(auth_on: bool) -> Option<serde_json::Value> {
    match document() {
        Ok(mut document) => {
            if !auth_on {
                without_security(&mut document);
            }
            Some(document)
        }
        Err(error) => {
            tracing::error!(%error, "cannot build the OpenAPI document; /docs is off");
            None
        }
    }
}

/// The OpenAPI 3.0 document: the one committed in `openapi/presence.json`, served at
/// `/openapi.json`, and read by progenitor.
pub fn document() -> anyhow::Result<serde_json::Value> {
    let mut document = serde_json::to_value(ApiDoc::openapi())?;
    downgrade::to_openapi_3_0(&mut document)?;
    Ok(document)
}

/// [`document`] as the pretty-printed text committed in `openapi/presence.json`.
pub fn document_json() -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&document()?)?;
    text.push('\n');
    Ok(text)
}

/// Removes every security requirement and scheme from `document`: the document a server
/// without authentication (`--auth none`) serves.
pub fn without_security(document: &mut serde_json::Value) {
    if let Some(root) = document.as_object_mut() {
        root.remove("security");
        if let Some(components) = root.get_mut("components").and_then(|c| c.as_object_mut()) {
            components.remove("securitySchemes");
        }
        if let Some(paths) = root.get_mut("paths").and_then(|p| p.as_object_mut()) {
            for operations in paths.values_mut().filter_map(|o| o.as_object_mut()) {
                for operation in operations.values_mut().filter_map(|o| o.as_object_mut()) {
                    operation.remove("security");
                }
            }
        }
    }
}
