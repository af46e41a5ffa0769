//! The control plane: what an emulator offers beyond Graph (today the manual clock), under
//! `/admin`, kept apart from the Graph surface in `routes/`.
//!
//! Invariant: every handler here takes an [`AdminCaller`] first, so with authentication on
//! nothing under `/admin` runs (or reads a body) for a caller without the `Presence.Admin`
//! application role; with `--auth none` it is open, like everything else.

pub mod caller;
pub mod clock;

pub use caller::AdminCaller;
