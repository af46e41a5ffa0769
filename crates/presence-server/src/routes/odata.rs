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

/// `{scheme}://{host}/{version}/$metadata`, for the version the request was made under.
fn metadata_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    let version = req
        .path()
        .split('/')
        .nth(1)
        .filter(|segment| super::API_VERSIONS.iter().any(|v| &v[1..] == *segment))
        .unwrap_or("v1.0");
    format!("{}://{}/{version}/$metadata", info.scheme(), info.host())
}

/// Graph's `sequenceNumber`: a fixed-width, so lexicographically sortable, version stamp.
pub fn sequence_number(sequence: i64) -> String {
    format!("A{sequence:016}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
