//! `GET /{tenant}/discovery/v2.0/keys` (and Entra's v1 form `/{tenant}/discovery/keys`): the
//! public keys that verify what the server signs. Open to anyone, as Entra's.

use actix_web::{HttpResponse, web};
use presence_model::JsonWebKeySet;

use crate::error::{ErrorResponses, GraphError};
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    for path in ["/{tenant}/discovery/v2.0/keys", "/{tenant}/discovery/keys"] {
        cfg.service(
            web::resource(path)
                .get(signing_keys)
                .default_service(method_not_allowed("GET")),
        );
    }
}

/// The JSON Web Key Set of the server's signing key (RS256): where receivers verify the
/// `validationTokens` of rich notifications. The same for every tenant.
#[utoipa::path(
    get,
    path = "/{tenant}/discovery/v2.0/keys",
    operation_id = "authority_keys",
    tag = "authority",
    params(("tenant" = String, Path, description = "Any tenant id, domain, `common` or `organizations`: the keys are the same.")),
    security(()),
    responses(
        (status = 200, description = "The signing keys.", body = JsonWebKeySet),
        ErrorResponses,
    )
)]
pub async fn signing_keys(
    state: web::Data<AppState>,
    _tenant: web::Path<String>,
) -> Result<HttpResponse, GraphError> {
    let jwks = state
        .signer
        .jwks()
        .await
        .map_err(|e| GraphError::internal(&e))?;
    // Keys change only when the database is replaced: let verifiers cache them a while.
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "public, max-age=300"))
        .json(jwks))
}
