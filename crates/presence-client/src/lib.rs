//! Rust client for presence, the self-hosted Microsoft Graph presence API.
//!
//! The code in `generated.rs` is produced by progenitor from `openapi/presence.json` (run
//! `cargo xtask gen`); it uses the wire types of `presence-model`, re-exported here as
//! [`types`], so a value read through the client is the same type the server wrote.
//!
//! ```no_run
//! # async fn demo() -> Result<(), presence_client::Error<presence_client::types::ODataError>> {
//! use presence_client::types::{Activity, Availability, SetPresenceRequest};
//!
//! // The base URL includes the API version, as Graph's does.
//! # let token = "";
//! let client = presence_client::with_bearer_token("http://127.0.0.1:8465/v1.0", token)
//!     .expect("a valid token");
//! let user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
//! client
//!     .set_presence()
//!     .id(user)
//!     .body(SetPresenceRequest {
//!         session_id: Some("22553876-f5ab-4529-bffb-cfe50aa89f87".into()),
//!         availability: Availability::Busy,
//!         activity: Activity::InACall,
//!         expiration_duration: Some("PT1H".into()),
//!     })
//!     .send()
//!     .await?;
//! let presence = client.get_presence().id(user).send().await?.into_inner();
//! assert_eq!(presence.availability, Availability::Busy);
//! # Ok(())
//! # }
//! ```

// Generated code is checked for freshness, not for style: progenitor's output is not
// rustfmt-stable and carries imports some specs leave unused.
#[rustfmt::skip]
#[allow(unused_imports, clippy::all, clippy::unwrap_used)]
mod generated;

pub use generated::*;

mod auth;
pub use auth::{BuildError, connect, with_bearer_token};

/// Makes ring the process's rustls crypto provider (idempotent). This crate's HTTP stack
/// (reqwest with rustls, without a built-in provider) needs one before any client is built:
/// [`connect`] and [`with_bearer_token`] call this; call it yourself before `Client::new`.
pub fn install_crypto_provider() {
    // An error only means a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The wire types: the model crate's, which the generated code uses directly.
pub mod types {
    pub use crate::generated::types::error;
    pub use presence_model::*;
}
