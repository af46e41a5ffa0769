//! Which surface a path belongs to: the one place that says so, for every middleware (the
//! journal, faults, metrics, the in-flight limit) and for the API description.
//!
//! **Invariant:** a path is Graph's only when it is under an [`API_VERSIONS`] prefix; the
//! journal, fault rules and per-operation metrics apply to Graph paths only, and health checks
//! are never shed.

/// The API versions Graph clients put in the path; both serve the same operations.
pub const API_VERSIONS: [&str; 2] = ["/v1.0", "/beta"];

/// The surfaces of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// Graph's presence API, under a version (`/v1.0`, `/beta`).
    Graph,
    /// The control plane (`/admin`).
    Admin,
    /// The Entra-shaped authority: `/{tenant}/oauth2/…`, `/{tenant}/discovery/…`, the
    /// discovery documents, and the device sign-in page `/devicelogin`. Its requests carry
    /// secrets and passwords that a journal must never keep.
    Authority,
    /// `/livez`, `/readyz` and `/healthz`: never shed.
    Health,
    /// `/metrics`.
    Metrics,
    /// `/openapi.json` and `/docs`.
    Docs,
    /// The dashboard (`/ui`).
    Ui,
    /// Anything else (answered 404).
    Other,
}

/// The surface `path` belongs to.
pub fn of(path: &str) -> Surface {
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    match first {
        _ if is_versioned(first) => Surface::Graph,
        "admin" => Surface::Admin,
        "livez" | "healthz" | "readyz" => Surface::Health,
        "metrics" => Surface::Metrics,
        "openapi.json" | "docs" => Surface::Docs,
        "ui" => Surface::Ui,
        "devicelogin" => Surface::Authority,
        _ if is_authority_path(path) => Surface::Authority,
        _ => Surface::Other,
    }
}

/// Whether `path` is outside the API proper: neither journaled (reading the journal must not
/// fill it; the authority's requests carry secrets) nor faulted (a rule must not lock its
/// operator out) nor measured per operation.
pub fn outside_the_api(path: &str) -> bool {
    // Unknown paths count as the API's: their 404s are journaled and measured.
    !matches!(of(path), Surface::Graph | Surface::Other)
}

/// Whether `path` is a health check: never shed.
pub fn is_health(path: &str) -> bool {
    of(path) == Surface::Health
}

/// Whether browser apps on other origins may call `path` (CORS, `crate::cors`): Graph's
/// API, and the authority's endpoints that MSAL.js fetches (discovery, keys, token, device
/// code). The sign-in pages (`/authorize`, `/devicelogin`) are navigated to, not fetched,
/// and stay same-origin with the control plane, the dashboard and the rest.
pub fn cross_origin(path: &str) -> bool {
    match of(path) {
        Surface::Graph => true,
        Surface::Authority => !(path == "/devicelogin" || path.ends_with("/oauth2/v2.0/authorize")),
        _ => false,
    }
}

/// Whether a path template of the API description hangs off the server's root rather than a
/// Graph version (`openapi`'s path-level server `/`). The document writes Graph's paths
/// without their version (its server is `/v1.0`), so here anything that is not another
/// surface's is Graph's.
pub fn at_root(template: &str) -> bool {
    !matches!(of(template), Surface::Graph | Surface::Other)
}

fn is_versioned(first_segment: &str) -> bool {
    API_VERSIONS
        .iter()
        .any(|version| version.trim_start_matches('/') == first_segment)
}

/// `/{tenant}/oauth2/…`, `/{tenant}/discovery/…`, `/{tenant}/v2.0/.well-known/…`,
/// `/{tenant}/.well-known/…`.
fn is_authority_path(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let (Some(tenant), Some(second)) = (segments.next(), segments.next()) else {
        return false;
    };
    !tenant.is_empty()
        && !is_versioned(tenant)
        && (matches!(second, "oauth2" | "discovery" | ".well-known")
            || (second == "v2.0" && segments.next() == Some(".well-known")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_has_one_surface() {
        for (path, surface) in [
            ("/v1.0/users/x/presence", Surface::Graph),
            ("/beta/$batch", Surface::Graph),
            ("/beta/discovery/keys", Surface::Graph),
            ("/admin/info", Surface::Admin),
            ("/common/oauth2/v2.0/token", Surface::Authority),
            ("/t/discovery/v2.0/keys", Surface::Authority),
            (
                "/t/v2.0/.well-known/openid-configuration",
                Surface::Authority,
            ),
            ("/t/.well-known/openid-configuration", Surface::Authority),
            ("/{tenant}/oauth2/v2.0/token", Surface::Authority),
            ("/devicelogin", Surface::Authority),
            ("/livez", Surface::Health),
            ("/healthz", Surface::Health),
            ("/readyz", Surface::Health),
            ("/metrics", Surface::Metrics),
            ("/openapi.json", Surface::Docs),
            ("/docs/", Surface::Docs),
            ("/ui/app.js", Surface::Ui),
            ("/", Surface::Other),
            ("/v1.0x/users", Surface::Other),
        ] {
            assert_eq!(of(path), surface, "{path}");
        }
        for path in [
            "/v1.0/users/x/presence",
            "/beta/$batch",
            "/v1.0/$metadata",
            "/t/v2.0/.well-known/openid-configuration",
            "/common/discovery/instance",
            "/t/discovery/v2.0/keys",
            "/t/oauth2/v2.0/token",
            "/t/oauth2/v2.0/devicecode",
        ] {
            assert!(cross_origin(path), "{path} answers other origins");
        }
        for path in [
            "/t/oauth2/v2.0/authorize",
            "/devicelogin",
            "/admin/info",
            "/ui/",
            "/metrics",
            "/openapi.json",
            "/livez",
        ] {
            assert!(!cross_origin(path), "{path} stays same-origin");
        }
        assert!(outside_the_api("/admin/journal"));
        assert!(!outside_the_api("/v1.0/me/presence"));
        assert!(at_root("/{tenant}/discovery/v2.0/keys") && at_root("/admin/info"));
        assert!(!at_root("/users/{id}/presence") && !at_root("/$batch"));
    }
}
