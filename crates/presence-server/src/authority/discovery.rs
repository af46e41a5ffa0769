//! OpenID Connect discovery, as Entra publishes it, so MSAL and azure-identity configured with
//! this server as their authority find its endpoints:
//! `/{tenant}/v2.0/.well-known/openid-configuration` (v2), `/{tenant}/.well-known/openid-configuration`
//! (v1), and MSAL's instance discovery `/common/discovery/instance`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::http::fallback::method_not_allowed;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{tenant}/v2.0/.well-known/openid-configuration")
            .get(openid_configuration)
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/{tenant}/.well-known/openid-configuration")
            .get(openid_configuration_v1)
            .default_service(method_not_allowed("GET")),
    )
    .service(
        web::resource("/{tenant}/discovery/instance")
            .get(instance_discovery)
            .default_service(method_not_allowed("GET")),
    );
}

/// `https://host:port` as the client reached this server, when that is one of its own
/// addresses; the canonical one otherwise (`crate::public_url`).
pub fn origin(req: &HttpRequest) -> String {
    crate::public_url::PublicAddresses::of(req).origin(req)
}

/// The v2 issuer of `tenant`: Entra writes a `{tenantid}` placeholder for the multi-tenant
/// names.
pub fn issuer(origin: &str, tenant: &str) -> String {
    let tenant = if is_multi_tenant(tenant) {
        "{tenantid}"
    } else {
        tenant
    };
    format!("{origin}/{tenant}/v2.0")
}

/// `common`, `organizations`, `consumers`: names that stand for any tenant.
pub fn is_multi_tenant(tenant: &str) -> bool {
    ["common", "organizations", "consumers"]
        .iter()
        .any(|name| tenant.eq_ignore_ascii_case(name))
}

/// OpenID Connect discovery (v2), as Entra's: where the token, authorization and device-code
/// endpoints and the keys are, and the issuer (`https://HOST/{tenant}/v2.0`).
#[utoipa::path(
    get,
    path = "/{tenant}/v2.0/.well-known/openid-configuration",
    operation_id = "authority_openid_configuration",
    tag = "authority",
    params(("tenant" = String, Path, description = "A tenant id, `common` or `organizations`.")),
    security(()),
    responses(
        (status = 200, description = "The metadata.", body = Object),
        (status = 503, description = "`serviceNotAvailable`: shed under load; try again after Retry-After.", body = presence_model::ODataError,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    )
)]
pub async fn openid_configuration(req: HttpRequest, tenant: web::Path<String>) -> HttpResponse {
    let origin = origin(&req);
    let tenant = tenant.into_inner();
    let base = format!("{origin}/{tenant}");
    let host = origin.split("://").nth(1).unwrap_or_default().to_owned();
    HttpResponse::Ok().json(json!({
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer(&origin, &tenant),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{origin}/oidc/userinfo"),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{base}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "preferred_username", "tid", "ver"],
        "kerberos_endpoint": format!("{base}/kerberos"),
        "tenant_region_scope": null,
        "cloud_instance_name": host,
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }))
}

/// OpenID Connect discovery (v1), as Entra's, for older clients.
#[utoipa::path(
    get,
    path = "/{tenant}/.well-known/openid-configuration",
    operation_id = "authority_openid_configuration_v1",
    tag = "authority",
    params(("tenant" = String, Path, description = "A tenant id, `common` or `organizations`.")),
    security(()),
    responses(
        (status = 200, description = "The metadata.", body = Object),
        (status = 503, description = "`serviceNotAvailable`: shed under load; try again after Retry-After.", body = presence_model::ODataError,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    )
)]
pub async fn openid_configuration_v1(req: HttpRequest, tenant: web::Path<String>) -> HttpResponse {
    let origin = origin(&req);
    let tenant = tenant.into_inner();
    let base = format!("{origin}/{tenant}");
    let issuer_tenant = if is_multi_tenant(&tenant) {
        "{tenantid}".to_owned()
    } else {
        tenant.clone()
    };
    HttpResponse::Ok().json(json!({
        "token_endpoint": format!("{base}/oauth2/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/discovery/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "token id_token", "token"],
        "scopes_supported": ["openid"],
        "issuer": format!("https://sts.windows.net/{issuer_tenant}/"),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "device_authorization_endpoint": format!("{base}/oauth2/devicecode"),
        "tenant_region_scope": null,
        "cloud_instance_name": origin.split("://").nth(1).unwrap_or_default(),
    }))
}

/// MSAL's instance discovery: this host is its own (only) alias; the tenant is the one of the
/// `authorization_endpoint` MSAL asks about (else the path's).
#[utoipa::path(
    get,
    path = "/{tenant}/discovery/instance",
    operation_id = "authority_instance_discovery",
    tag = "authority",
    params(
        ("tenant" = String, Path, description = "`common`, as MSAL asks."),
        ("authorization_endpoint" = Option<String>, Query, description = "The authority MSAL validates."),
        ("api-version" = Option<String>, Query, description = "`1.1`."),
    ),
    security(()),
    responses(
        (status = 200, description = "This host as its own alias.", body = Object),
        (status = 503, description = "`serviceNotAvailable`: shed under load; try again after Retry-After.", body = presence_model::ODataError,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    )
)]
pub async fn instance_discovery(req: HttpRequest, tenant: web::Path<String>) -> HttpResponse {
    let origin = origin(&req);
    let host = origin.split("://").nth(1).unwrap_or_default().to_owned();
    let asked =
        web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .ok()
            .and_then(|query| {
                let endpoint = query.get("authorization_endpoint")?;
                let path = endpoint.split("://").nth(1)?.split_once('/')?.1;
                path.split('/')
                    .next()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
            });
    let tenant = asked.unwrap_or_else(|| tenant.into_inner());
    HttpResponse::Ok().json(json!({
        "tenant_discovery_endpoint": format!("{origin}/{tenant}/v2.0/.well-known/openid-configuration"),
        "api-version": "1.1",
        "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
    }))
}
