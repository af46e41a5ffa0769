//! What the authority remembers between requests, in this process: the device codes waiting
//! for their user, the client assertions already accepted (each is accepted once), the recent
//! wrong credentials (`guessing`), and how the sign-in pages sign a user in. It is the app's
//! own data beside the application state, so the state below every surface knows nothing of
//! the authority.

use super::assertion::Seen;
use super::devices::DeviceCodes;
use super::guessing::Guesses;
use crate::config::SignIn;

/// The authority's memory (see the module docs).
#[derive(Debug, Default)]
pub struct AuthorityState {
    /// Device codes waiting for their user (`devices`).
    pub device_codes: DeviceCodes,
    /// The ids of the client assertions accepted, so none is accepted twice.
    pub assertions: Seen,
    /// Recent wrong credentials, per client, user and address (`guessing`).
    pub guesses: Guesses,
    /// `--sign-in`: whether the sign-in pages ask for the test user's password.
    pub sign_in: SignIn,
}

impl AuthorityState {
    pub fn new(sign_in: SignIn) -> Self {
        Self {
            sign_in,
            ..Self::default()
        }
    }
}
