//! OData conventions of Graph responses.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The `@odata.context` of a single user's presence, e.g.
/// `http://host/v1.0/$metadata#users('{id}')/presence/$entity`, as Graph writes it.
pub fn presence_context(req: &HttpRequest, user_id: &str) -> String {
    format!("{}#users('{user_id}')/presence/$entity", metadata_url(req))
}

/// The `@odata.context` of a collection of presences (`getPresencesByUserId`).
pub fn collection_context(req: &HttpRequest) -> String {
    format!("{}#Collection(microsoft.graph.presence)", metadata_url(req))
}

/// `{metadata}#{fragment}` for any other entity or collection.
pub fn metadata_context(req: &HttpRequest, fragment: &str) -> String {
    format!("{}#{fragment}", metadata_url(req))
}

/// `{scheme}://{host}/{version}/$metadata`, for the version the request was made under.
fn metadata_url(req: &HttpRequest) -> String {
    let version = req
        .path()
        .split('/')
        .nth(1)
        .filter(|segment| super::API_VERSIONS.iter().any(|v| &v[1..] == *segment))
        .unwrap_or("v1.0");
    if let Some((scheme, host)) = unproxied_origin(req) {
        return format!("{scheme}://{host}/{version}/$metadata");
    }
    let info = req.connection_info();
    format!("{}://{}/{version}/$metadata", info.scheme(), info.host())
}

/// The scheme and host of a request that no proxy annotated (no `Forwarded` or
/// `X-Forwarded-Proto`/`-Host`), taken as actix's `ConnectionInfo` takes them then: the URI's,
/// the `Host` header, the server's configuration. `None` when a proxy header is present:
/// `ConnectionInfo` applies those rules.
///
/// Why not always `ConnectionInfo`: it also formats the peer's address on every request,
/// which cost 3 % of a presence read, and only the host and scheme are needed here.
fn unproxied_origin(req: &HttpRequest) -> Option<(&str, &str)> {
    let headers = req.headers();
    if headers.contains_key(header::FORWARDED)
        || headers.contains_key(header::X_FORWARDED_PROTO)
        || headers.contains_key(header::X_FORWARDED_HOST)
    {
        return None;
    }
    let config = req.app_config();
    let scheme = req
        .uri()
        .scheme_str()
        .unwrap_or(if config.secure() { "https" } else { "http" });
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| req.uri().authority().map(|authority| authority.as_str()))
        .unwrap_or_else(|| config.host());
    Some((scheme, host))
}

/// Graph's `sequenceNumber`: a fixed-width, so lexicographically sortable, version stamp.
pub fn sequence_number(sequence: i64) -> String {
    format!("A{sequence:016}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    /// What actix's `ConnectionInfo` makes of the request.
    fn by_connection_info(req: &HttpRequest) -> String {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    }

    #[test]
    fn the_origin_is_the_one_connection_info_gives_with_or_without_proxy_headers() {
        let requests = [
            TestRequest::get().uri("/v1.0/me/presence"),
            TestRequest::get()
                .uri("/v1.0/me/presence")
                .insert_header(("Host", "presence.test:8443")),
            TestRequest::get().uri("http://from-uri:81/beta/me/presence"),
            TestRequest::get()
                .uri("/v1.0/me/presence")
                .insert_header(("Host", "inner"))
                .insert_header(("X-Forwarded-Proto", "https"))
                .insert_header(("X-Forwarded-Host", "outer.example")),
            TestRequest::get()
                .uri("/v1.0/me/presence")
                .insert_header(("Host", "inner"))
                .insert_header(("Forwarded", "for=1.2.3.4; proto=https; host=fwd.example")),
            TestRequest::get()
                .uri("/v1.0/me/presence")
                .insert_header(("Host", "inner"))
                .insert_header(("X-Forwarded-Host", "only-host.example")),
        ];
        let mut proxied = 0;
        for request in requests {
            let req = request.to_http_request();
            let wanted = by_connection_info(&req);
            if let Some((scheme, host)) = unproxied_origin(&req) {
                assert_eq!(format!("{scheme}://{host}"), wanted);
            } else {
                proxied += 1;
            }
            assert!(metadata_url(&req).starts_with(&format!("{wanted}/")));
        }
        assert_eq!(
            proxied, 3,
            "requests with proxy headers go through ConnectionInfo"
        );
    }

    #[test]
    fn sequence_numbers_sort_as_strings_like_as_numbers() {
        let mut stamps: Vec<String> = [10, 9, 100, 0, 1]
            .into_iter()
            .map(sequence_number)
            .collect();
        stamps.sort();
        assert_eq!(
            stamps,
            [0, 1, 9, 10, 100]
                .into_iter()
                .map(sequence_number)
                .collect::<Vec<_>>()
        );
    }
}
