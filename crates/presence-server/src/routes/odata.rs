//! OData conventions of Graph responses.

use actix_web::HttpRequest;

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

/// `{origin}/{version}/$metadata`, for the version the request was made under, with the
/// origin the request is answered as (`crate::public_url`).
fn metadata_url(req: &HttpRequest) -> String {
    let version = req
        .path()
        .split('/')
        .nth(1)
        .filter(|segment| super::API_VERSIONS.iter().any(|v| &v[1..] == *segment))
        .unwrap_or("v1.0");
    let origin = crate::public_url::PublicAddresses::of(req).origin(req);
    format!("{origin}/{version}/$metadata")
}

/// Graph's `sequenceNumber`: a fixed-width, so lexicographically sortable, version stamp.
pub fn sequence_number(sequence: i64) -> String {
    format!("A{sequence:016}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_context_names_the_server_as_addressed_when_that_is_its_own_address() {
        for (request, wanted) in [
            (
                TestRequest::get()
                    .uri("/v1.0/me/presence")
                    .insert_header(("Host", "localhost:8080")),
                "http://localhost:8080/v1.0/$metadata",
            ),
            (
                TestRequest::get()
                    .uri("/beta/me/presence")
                    .insert_header(("Host", "127.0.0.1:49152")),
                "http://127.0.0.1:49152/beta/$metadata",
            ),
            (
                // Not one of its addresses, and proxy headers from an untrusted peer: the
                // canonical address (the accepting socket's, in a bare test request).
                TestRequest::get()
                    .uri("/v1.0/me/presence")
                    .insert_header(("Host", "evil.example"))
                    .insert_header(("X-Forwarded-Host", "localhost")),
                "http://127.0.0.1:8080/v1.0/$metadata",
            ),
        ] {
            assert_eq!(metadata_url(&request.to_http_request()), wanted);
        }
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
