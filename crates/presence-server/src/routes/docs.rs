//! `/openapi.json` (the committed OpenAPI 3.0 document) and `/docs`, an interactive API
//! explorer (Swagger UI) whose assets are compiled into the binary: it works offline.

use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::SwaggerUi;

use crate::openapi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    match openapi::document() {
        Ok(document) => {
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
