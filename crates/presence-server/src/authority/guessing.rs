//! Guessing is bounded: after [`MOST_FAILURES`] wrong credentials for one client id, one test
//! user or (device codes) one client address within [`WINDOW`], further attempts for it are
//! refused at once, until the window of those failures has passed (at most a minute), without
//! touching anyone else.
//!
//! What counts: a wrong secret or client assertion (per client id), a wrong password or an
//! unknown user (per user name, lowercase), a wrong or unknown device user code (per client
//! address). Other refusals (a bad scope, an unknown grant) do not.
//!
//! The bound on device user codes: 8 letters from 20 are 2.56 × 10^10 codes; at 10 guesses a
//! minute for the 15 minutes a code lives, one address guesses a given live code with a
//! probability of at most 150 / 2.56 × 10^10 ≈ 6 × 10^-9.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Wrong credentials tolerated within [`WINDOW`].
pub const MOST_FAILURES: usize = 10;
/// The window failures are counted in; also the longest a lock lasts.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Keys remembered at once; past it, the oldest failures are forgotten first.
const MOST_KEYS: usize = 100_000;

/// What failures are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    Client(String),
    User(String),
    Address(std::net::IpAddr),
}

/// Recent failures per subject.
#[derive(Debug, Default)]
pub struct Guesses(Mutex<HashMap<Subject, VecDeque<Instant>>>);

impl Guesses {
    /// `Err(seconds to wait)` while `subject` has had [`MOST_FAILURES`] failures within the
    /// window.
    pub fn check(&self, subject: &Subject) -> Result<(), u64> {
        let now = Instant::now();
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(failures) = all.get_mut(subject) else {
            return Ok(());
        };
        while failures
            .front()
            .is_some_and(|at| now.duration_since(*at) >= WINDOW)
        {
            failures.pop_front();
        }
        if failures.len() < MOST_FAILURES {
            if failures.is_empty() {
                all.remove(subject);
            }
            return Ok(());
        }
        // Free again once the oldest of the counted failures leaves the window.
        let oldest = failures.front().copied().unwrap_or(now);
        let wait = WINDOW.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs().max(1))
    }

    /// A wrong credential for `subject`.
    pub fn failed(&self, subject: Subject) {
        let now = Instant::now();
        let mut all = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if all.len() >= MOST_KEYS && !all.contains_key(&subject) {
            all.retain(|_, failures| {
                failures
                    .back()
                    .is_some_and(|at| now.duration_since(*at) < WINDOW)
            });
        }
        let failures = all.entry(subject).or_default();
        failures.push_back(now);
        while failures.len() > MOST_FAILURES {
            failures.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_lock_the_subject_only() {
        let guesses = Guesses::default();
        let alice = Subject::User("alice@contoso.test".into());
        for _ in 0..MOST_FAILURES {
            assert!(guesses.check(&alice).is_ok());
            guesses.failed(alice.clone());
        }
        let wait = guesses.check(&alice).expect_err("locked");
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(
            guesses
                .check(&Subject::User("bob@contoso.test".into()))
                .is_ok()
        );
        assert!(
            guesses
                .check(&Subject::Client("alice@contoso.test".into()))
                .is_ok()
        );
    }
}
