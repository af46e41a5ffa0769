//! The server as an Entra-shaped issuer of tokens, on the same listener as the API: for now
//! the JWKS of its signing key (`crate::signing`), which verifies the validation tokens of
//! rich notifications. Paths hang off the server's root with a tenant segment, as Entra's
//! (`/{tenant}/discovery/v2.0/keys`); any tenant (a GUID, a domain, `common`,
//! `organizations`) gets the same keys, as on Entra.

pub mod keys;

use actix_web::web;

/// Every authority route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(keys::configure);
}
