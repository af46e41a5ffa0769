//! `/openapi.json` (the committed OpenAPI 3.0 document) and `/docs`, an interactive API
//! explorer (Swagger UI) whose assets are compiled into the binary: it works offline.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::SwaggerUi;

/// `document`: what `/openapi.json` serves (`crate::openapi::served_document`), handed over
/// by the app; without one, `/docs` is off.
pub fn configure(cfg: &mut web::ServiceConfig, document: Option<serde_json::Value>) {
    if let Some(document) = document {
        cfg.service(
            SwaggerUi::new("/docs/{_:.*}").external_url_unchecked("/openapi.json", document),
        )
        .service(web::resource("/docs").get(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header(("location", "/docs/"))
                .finish()
        }));
    }
}

/// The explorer's policy: its own scripts, styles and images only (Swagger UI sets inline
/// styles, and draws some images as `data:` URLs), requests to this server only, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Middleware: the explorer's pages carry its Content-Security-Policy and may not be framed
/// (as `/ui` and the authority's pages).
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let mut response = next.call(req).await?;
    if docs {
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    Ok(response)
}
