//! `GET /{version}/$metadata`: the CSDL document the `@odata.context` URLs we write point
//! into, covering what this server implements (the presence entity, its complex types and
//! actions, subscriptions), in Graph's names. OData clients that resolve a context URL, or
//! read the service's types, find them here rather than a 404.

use actix_web::HttpResponse;

/// The document (one for both versions: they serve the same operations).
const CSDL: &str = include_str!("presence.csdl.xml");

pub async fn metadata() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml")
        .body(CSDL)
}
