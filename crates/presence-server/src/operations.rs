//! Which operation (its id in the API description) a request is: for the journal, the
//! fault rules that match on operations, and per-operation metrics.
//!
//! The table is handed over at start ([`install`], from `crate::openapi::operation_table`,
//! built from the description itself, so a new operation is known here the moment it is
//! annotated), rather than imported: the middleware that reads it sits below the handlers the
//! description is made of.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::surface::API_VERSIONS;

/// (method in upper case, canonical path) → operation id.
pub type Table = HashMap<(String, String), String>;

static TABLE: OnceLock<Table> = OnceLock::new();

/// Hands the operation table over, once (later calls change nothing).
pub fn install(table: Table) {
    let _ = TABLE.set(table);
}

/// The installed table; empty (no request is an operation) before [`install`].
fn table() -> &'static Table {
    static EMPTY: OnceLock<Table> = OnceLock::new();
    TABLE.get().unwrap_or_else(|| EMPTY.get_or_init(Table::new))
}

/// A request's operation id, resolved once per request and left in its extensions by the
/// outermost middleware that needs it (the journal), for the next (the fault rules).
#[derive(Debug, Clone, Copy)]
pub struct Resolved(pub Option<&'static str>);

/// The operation of `req`: the one resolved earlier in this request, or resolved now.
///
/// Resolved from the path by segments against the description's templates, not with
/// actix's `match_pattern`, which runs every route's regular expression again (measured: 8 %
/// of a presence read's CPU).
pub fn of(req: &actix_web::dev::ServiceRequest) -> Option<&'static str> {
    use actix_web::HttpMessage;
    if let Some(Resolved(operation)) = req.extensions().get::<Resolved>() {
        return *operation;
    }
    let operation = resolve_path(req.method().as_str(), req.path());
    req.extensions_mut().insert(Resolved(operation));
    operation
}

/// One segment of a template: a literal, or a `{parameter}` (any one segment).
#[derive(Debug)]
enum Segment {
    Literal(String),
    Any,
}

/// The templates by method: segments and operation id.
type Templates = HashMap<String, Vec<(Vec<Segment>, &'static str)>>;

fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    if TABLE.get().is_none() {
        // Not installed yet: nothing to remember.
        static EMPTY: OnceLock<Templates> = OnceLock::new();
        return EMPTY.get_or_init(Templates::new);
    }
    TEMPLATES.get_or_init(|| {
        let mut templates = Templates::new();
        for ((method, path), id) in table() {
            let segments = path
                .split('/')
                .skip(1)
                .map(|segment| {
                    if segment.starts_with('{') && segment.ends_with('}') {
                        Segment::Any
                    } else {
                        Segment::Literal(segment.to_owned())
                    }
                })
                .collect();
            templates
                .entry(method.clone())
                .or_default()
                .push((segments, id.as_str()));
        }
        // Literal matches first: `/subscriptions/{id}` must not take a literal sibling.
        for list in templates.values_mut() {
            list.sort_by_key(|(segments, _)| {
                segments
                    .iter()
                    .filter(|s| matches!(s, Segment::Any))
                    .count()
            });
        }
        templates
    })
}

/// The operation a request with `method` on the raw `path` is, if it is one: the path in the
/// description's form ([`canonical`]) matched segment by segment.
pub fn resolve_path(method: &str, path: &str) -> Option<&'static str> {
    let path = canonical(path);
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    templates()
        .get(&method.to_ascii_uppercase())?
        .iter()
        .find(|(template, _)| {
            template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| match t {
                    Segment::Any => !s.is_empty(),
                    Segment::Literal(literal) => literal == s,
                })
        })
        .map(|(_, id)| *id)
}

/// The description's form of a request path (a route pattern is one too): no version prefix, no namespace on actions,
/// and every alias of a user's presence written as `/users/{id}/presence`.
fn canonical(pattern: &str) -> String {
    let unversioned = API_VERSIONS
        .iter()
        .find_map(|version| pattern.strip_prefix(version))
        .unwrap_or(pattern);
    let path = unversioned.replace("microsoft.graph.", "");
    if let Some(rest) = path.strip_prefix("/me/presence") {
        return format!("/users/{{id}}/presence{rest}");
    }
    if let Some(rest) = path.strip_prefix("/communications/presences/") {
        // The alias's id (`{id}` in a route pattern, the user's id in a path) is one segment.
        let rest = rest.find('/').map_or("", |slash| &rest[slash..]);
        return format!("/users/{{id}}/presence{rest}");
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installed() {
        install(crate::openapi::operation_table());
    }

    #[test]
    fn every_alias_resolves_to_the_described_operation() {
        installed();
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
            assert_eq!(
                resolve_path(method, pattern),
                expected,
                "{method} {pattern}"
            );
        }
    }

    #[test]
    fn request_paths_resolve_as_their_routes_do() {
        installed();
        let cases = [
            ("GET", "/v1.0/users/alice/presence", Some("get_presence")),
            ("GET", "/beta/me/presence", Some("get_presence")),
            (
                "GET",
                "/v1.0/communications/presences/a-b",
                Some("get_presence"),
            ),
            (
                "POST",
                "/beta/communications/presences/x/microsoft.graph.setPresence",
                Some("set_presence"),
            ),
            (
                "POST",
                "/v1.0/me/presence/clearUserPreferredPresence",
                Some("clear_user_preferred_presence"),
            ),
            (
                "POST",
                "/v1.0/communications/getPresencesByUserId",
                Some("get_presences_by_user_id"),
            ),
            (
                "PATCH",
                "/v1.0/subscriptions/123",
                Some("update_subscription"),
            ),
            (
                "POST",
                "/v1.0/subscriptions/123/reauthorize",
                Some("reauthorize_subscription"),
            ),
            ("POST", "/admin/reset", Some("admin_reset")),
            (
                "GET",
                "/admin/tenants/t/users",
                Some("admin_list_tenant_users"),
            ),
            (
                "GET",
                "/admin/tenants/t/testUsers",
                Some("admin_list_users"),
            ),
            (
                "GET",
                "/admin/tenants/t/users/u/changes",
                Some("admin_user_changes"),
            ),
            ("DELETE", "/v1.0/users/alice/presence", None),
            ("GET", "/v1.0/users//presence", None),
            ("GET", "/v1.0/users/alice/presence/extra", None),
            ("GET", "/nowhere", None),
        ];
        for (method, path, expected) in cases {
            assert_eq!(resolve_path(method, path), expected, "{method} {path}");
        }
    }
}
