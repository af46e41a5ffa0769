//! `/openapi.json` (the committed OpenAPI 3.0 document) and `/docs`, an interactive API
//! explorer (Swagger UI) whose assets are compiled into the binary: it works offline.

use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::SwaggerUi;

use crate::openapi;

/// `auth_on`: without authentication the document drops its bearer security, so that clients
/// and schema-driven tools do not expect (or send) a token this server never asks for.
pub fn configure(cfg: &mut web::ServiceConfig, auth_on: bool) {
    match openapi::document() {
        Ok(mut document) => {
            if !auth_on {
                openapi::without_security(&mut document);
            }
            cfg.service(
                SwaggerUi::new("/docs/{_:.*}").external_url_unchecked("/openapi.json", document),
            )
            .service(web::resource("/docs").get(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header(("location", "/docs/"))
                    .finish()
            }));
        }
        Err(error) => tracing::error!(%error, "cannot build the OpenAPI document; /docs is off"),
    }
}
