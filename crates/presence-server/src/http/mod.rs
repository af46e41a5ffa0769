//! HTTP plumbing every surface shares (Graph, admin, authority, metrics): how JSON bodies are
//! read and refused ([`body`]), JSON read as strictly as the API description says
//! ([`strict_json`]), and the answers for requests no operation matches ([`fallback`]). The
//! Graph envelope itself is [`crate::error`].
//!
//! **Invariant:** nothing here knows a surface: `http` imports only `error` and
//! `body_deadline`, and every surface may import it.

pub mod body;
pub mod fallback;
pub mod strict_json;
