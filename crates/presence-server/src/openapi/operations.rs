//! Which operation (its id in the API description) a request is: for the journal, and for
//! fault rules that match on operations. Built once from the description itself, so a new
//! operation is known here the moment it is annotated.

use std::collections::HashMap;
use std::sync::OnceLock;

use utoipa::OpenApi;

use super::ApiDoc;
use crate::routes::API_VERSIONS;

/// (method in upper case, canonical path) → operation id.
type Table = HashMap<(String, String), String>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let doc = ApiDoc::openapi();
        let mut table = Table::new();
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
    })
}

/// A request's operation id, resolved once per request and left in its extensions by the
/// outermost middleware that needs it (the journal), for the next (the fault rules).
#[derive(Debug, Clone, Copy)]
pub struct Resolved(pub Option<&'static str>);

/// The operation of `req`: the one resolved earlier in this request, or resolved now.
pub fn of(req: &actix_web::dev::ServiceRequest) -> Option<&'static str> {
    use actix_web::HttpMessage;
    if let Some(Resolved(operation)) = req.extensions().get::<Resolved>() {
        return *operation;
    }
    let operation = req
        .match_pattern()
        .and_then(|pattern| resolve(req.method().as_str(), &pattern));
    req.extensions_mut().insert(Resolved(operation));
    operation
}

/// The operation a request with `method` reached through the route `pattern` (actix's
/// pattern, e.g. `/beta/me/presence/microsoft.graph.setPresence`), if it is one.
pub fn resolve(method: &str, pattern: &str) -> Option<&'static str> {
    let path = canonical(pattern);
    table()
        .get(&(method.to_ascii_uppercase(), path))
        .map(String::as_str)
}

/// The description's form of a route: no version prefix, no namespace on actions, and every
/// alias of a user's presence written as `/users/{id}/presence`.
fn canonical(pattern: &str) -> String {
    let unversioned = API_VERSIONS
        .iter()
        .find_map(|version| pattern.strip_prefix(version))
        .unwrap_or(pattern);
    let path = unversioned.replace("microsoft.graph.", "");
    for alias in ["/me/presence", "/communications/presences/{id}"] {
        if let Some(rest) = path.strip_prefix(alias) {
            return format!("/users/{{id}}/presence{rest}");
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alias_resolves_to_the_described_operation() {
        let cases = [
            ("GET", "/v1.0/users/{id}/presence", Some("get_presence")),
            ("GET", "/beta/me/presence", Some("get_presence")),
            (
                "GET",
                "/v1.0/communications/presences/{id}",
                Some("get_presence"),
            ),
            (
                "POST",
                "/beta/communications/presences/{id}/microsoft.graph.setPresence",
                Some("set_presence"),
            ),
            (
                "post",
                "/v1.0/communications/getPresencesByUserId",
                Some("get_presences_by_user_id"),
            ),
            (
                "PATCH",
                "/v1.0/subscriptions/{subscription_id}",
                Some("update_subscription"),
            ),
            ("POST", "/admin/reset", Some("admin_reset")),
            ("DELETE", "/v1.0/users/{id}/presence", None),
            ("GET", "/nowhere", None),
        ];
        for (method, pattern, expected) in cases {
            assert_eq!(resolve(method, pattern), expected, "{method} {pattern}");
        }
    }
}
