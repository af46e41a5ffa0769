//! Tokens already verified, so that a client sending the same token on every request (as
//! every SDK does, for an hour) pays for its signature and claims once, not per request.
//! An RS256 signature check alone costs more than the rest of a presence read.
//!
//! Why it stays exact: the verdict on a token depends on its bytes, the verification keys
//! (fixed at start-up), and the time. The cache is keyed by the whole token, holds only
//! tokens that passed every check, and repeats the time checks (`exp`, `nbf`, with the
//! same leeway as [`super::verify::JwtVerifier::verify`]) on every use. A token past its
//! `exp` is dropped and verified again, which gives the usual 401 with its message.
//!
//! Bounded: at most [`MAX_TOKENS`] tokens and [`MAX_BYTES`] of them; when either is
//! reached the whole table is dropped (the tokens in use come back on their next request).
//! Only a token that verified gets in, so an unauthenticated client cannot fill it.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::caller::Caller;

/// Most tokens kept.
pub const MAX_TOKENS: usize = 4096;
/// Most bytes of tokens kept.
pub const MAX_BYTES: usize = 4 << 20;

/// A token that passed verification: its caller and its time bounds (Unix seconds).
#[derive(Debug, Clone)]
struct Verified {
    caller: Caller,
    exp: i64,
    nbf: Option<i64>,
}

/// The tokens verified so far (see the module's documentation).
#[derive(Debug, Default)]
pub struct VerifiedTokens {
    table: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    tokens: HashMap<Box<str>, Verified>,
    bytes: usize,
}

impl VerifiedTokens {
    /// The caller of `token` if it was verified before and its time checks still pass at
    /// `now` (Unix seconds) with `leeway` seconds.
    pub fn get(&self, token: &str, now: i64, leeway: i64) -> Option<Caller> {
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        let verified = table.tokens.get(token)?;
        if verified.exp < now - leeway {
            if let Some((token, _)) = table.tokens.remove_entry(token) {
                table.bytes -= token.len();
            }
            return None;
        }
        if verified.nbf.is_some_and(|nbf| nbf > now + leeway) {
            return None;
        }
        Some(verified.caller.clone())
    }

    /// Remembers that `token` verified, naming `caller`, valid from `nbf` until `exp`.
    pub fn insert(&self, token: &str, caller: &Caller, exp: i64, nbf: Option<i64>) {
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        if table.tokens.len() >= MAX_TOKENS || table.bytes + token.len() > MAX_BYTES {
            table.tokens.clear();
            table.bytes = 0;
        }
        let verified = Verified {
            caller: caller.clone(),
            exp,
            nbf,
        };
        if table.tokens.insert(token.into(), verified).is_none() {
            table.bytes += token.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_answered_only_within_its_time_bounds() {
        let tokens = VerifiedTokens::default();
        let caller = Caller::anonymous();
        tokens.insert("t", &caller, 1_000, Some(500));
        assert_eq!(tokens.get("t", 900, 30), Some(caller.clone()));
        assert_eq!(tokens.get("t", 1_030, 30), Some(caller.clone()), "leeway");
        assert_eq!(tokens.get("t", 469, 30), None, "before nbf");
        assert_eq!(tokens.get("other", 900, 30), None);
        assert_eq!(tokens.get("t", 1_031, 30), None, "expired");
        assert_eq!(tokens.get("t", 900, 30), None, "dropped once expired");
    }

    #[test]
    fn the_table_stays_bounded() {
        let tokens = VerifiedTokens::default();
        let caller = Caller::anonymous();
        for i in 0..(MAX_TOKENS * 2 + 5) {
            tokens.insert(&format!("token-{i}"), &caller, 1_000, None);
        }
        let table = tokens.table.lock().expect("not poisoned");
        assert!(table.tokens.len() <= MAX_TOKENS);
        drop(table);
        let big = "x".repeat(MAX_BYTES / 3);
        for i in 0..5 {
            tokens.insert(&format!("{big}{i}"), &caller, 1_000, None);
            assert!(tokens.table.lock().expect("not poisoned").bytes <= MAX_BYTES);
        }
    }
}
