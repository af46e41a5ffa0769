//! Identity: turning a bearer token into a [`Caller`], and deciding what a caller may do.
//!
//! - [`verify`]: signature and claim checks (HS256 shared secret, RS256/ES256 keys from a
//!   JWKS file), the 401 answers;
//! - [`verified`]: tokens already verified, so each is checked once and not per request;
//! - [`caller`]: who is calling (application or delegated user, tenant, app id);
//! - [`request`]: a request's caller, verified once per request;
//! - [`permission`]: Graph's permission table, the 403 answers;
//! - [`subscription_owner`]: who may see, change and delete a subscription;
//! - [`secret`]: the development secret kept in the data directory;
//! - [`setup`]: the authenticator the command line asks for.

pub mod caller;
pub mod jwks;
pub mod permission;
pub mod request;
pub mod secret;
pub mod setup;
pub mod subscription_owner;
pub mod verified;
pub mod verify;

pub use caller::{Caller, CallerKind};
pub use permission::Access;
pub use verify::Authenticator;

/// The tenant of every request when the server runs with `--auth none`.
pub const DEFAULT_TENANT: &str = "default";
