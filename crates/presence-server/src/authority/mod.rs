//! The server as an Entra-shaped issuer of tokens, on the same listener as the API, so an app
//! written for Graph gets its tokens from here by configuration alone: OpenID discovery
//! ([`discovery`]), the token endpoint ([`token`], minting in [`tokens`], errors in
//! [`failure`]), the JWKS of the signing key ([`keys`]), and who exists ([`identities`],
//! certificates for client assertions in [`assertion`]). Paths hang off the server's root
//! with a tenant segment, as Entra's (`/{tenant}/oauth2/v2.0/token`); the keys are the same
//! for every tenant, as on Entra. Every token is signed with the server's key
//! (`crate::signing`), which the API's verifier trusts beside `--jwt-secret`/`--jwks`.

pub mod assertion;
pub mod authorize;
pub mod codes;
pub mod devices;
pub mod discovery;
pub mod failure;
mod form_body;
pub mod guessing;
pub mod identities;
pub mod keys;
pub mod page;
pub mod responses;
pub mod token;
pub mod tokens;

use actix_web::web;

/// Every authority route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(keys::configure)
        .configure(discovery::configure)
        .configure(token::configure)
        .configure(authorize::configure)
        .configure(devices::configure);
}

/// Whether `path` is one of the authority's (`/{tenant}/oauth2/…`, `/{tenant}/discovery/…`,
/// `/{tenant}/v2.0/.well-known/…`, `/{tenant}/.well-known/…`).
pub fn is_authority_path(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    let (Some(tenant), Some(second)) = (segments.next(), segments.next()) else {
        return false;
    };
    !tenant.is_empty()
        && !crate::routes::API_VERSIONS
            .iter()
            .any(|version| version.trim_start_matches('/') == tenant)
        && (matches!(second, "oauth2" | "discovery" | ".well-known")
            || (second == "v2.0" && segments.next() == Some(".well-known")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn authority_paths_are_told_from_the_api() {
        for path in [
            "/common/oauth2/v2.0/token",
            "/t/discovery/v2.0/keys",
            "/t/v2.0/.well-known/openid-configuration",
            "/t/.well-known/openid-configuration",
        ] {
            assert!(super::is_authority_path(path), "{path}");
        }
        for path in [
            "/v1.0/users/x/presence",
            "/beta/discovery/keys",
            "/admin/info",
            "/",
        ] {
            assert!(!super::is_authority_path(path), "{path}");
        }
    }
}
