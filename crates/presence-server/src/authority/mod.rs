//! The server as an Entra-shaped issuer of tokens, on the same listener as the API, so an app
//! written for Graph gets its tokens from here by configuration alone: OpenID discovery
//! ([`discovery`]), the token endpoint ([`token`], minting in [`mint`], errors in
//! [`failure`]), the JWKS of the signing key ([`keys`]), and who exists ([`identities`],
//! certificates for client assertions in [`assertion`]). Paths hang off the server's root
//! with a tenant segment, as Entra's (`/{tenant}/oauth2/v2.0/token`); the keys are the same
//! for every tenant, as on Entra. Every token is signed with the server's key
//! (`crate::signing`), which the API's verifier trusts beside `--jwt-secret`/`--jwks`.

pub mod assertion;
pub mod authorize;
pub mod codes;
pub mod dev_identities;
pub mod devices;
pub mod discovery;
pub mod failure;
mod form_body;
pub mod guessing;
pub mod identities;
pub mod keys;
pub mod memory;
pub mod mint;
pub mod page;
pub mod responses;
pub mod token;

use actix_web::web;

/// Every authority route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(keys::configure)
        .configure(discovery::configure)
        .configure(token::configure)
        .configure(authorize::configure)
        .configure(devices::configure);
}
