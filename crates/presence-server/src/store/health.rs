//! Whether writes can commit just now: set by the writer when a commit (or the sync after
//! it) fails, cleared only by a probe that commits a write the size of a full batch (a small
//! batch may still commit on a nearly full disk). `/healthz` reads it, and probes while it
//! is set (once no commit failed for [`QUIET_BEFORE_PROBE`]), so a load balancer stops sending writes to a server whose disk is full, is told
//! why, and sends them again once there is room.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use super::{Failure, StoreError};

/// The last failure of a commit, if no commit has succeeded since.
#[derive(Debug, Default)]
pub struct WriteHealth {
    problem: Mutex<Option<Problem>>,
    /// Whether `problem` is set: a commit on a healthy store skips the lock.
    failing: AtomicBool,
}

/// Why writes cannot commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `noSpace` or `cannotCommit`.
    pub code: &'static str,
    /// The database's own words.
    pub reason: String,
    /// When it was first seen.
    pub since: jiff::Timestamp,
    /// When it was last seen.
    pub last: std::time::Instant,
}

/// How long after the last failed commit a probe is worth trying: on a disk that is nearly
/// full, a probe may fit where the batches that just failed did not (SQLite reuses the
/// space a failed commit left at the end of the WAL), so a probe right after a failure
/// proves little.
pub const QUIET_BEFORE_PROBE: std::time::Duration = std::time::Duration::from_secs(1);

impl Problem {
    /// Whether the last failure is recent enough that writes are taken as still failing.
    pub fn recent(&self) -> bool {
        self.last.elapsed() < QUIET_BEFORE_PROBE
    }
}

impl WriteHealth {
    /// A commit (or its sync) failed with `error`.
    pub fn failed(&self, error: &StoreError) {
        let code = match error.failure() {
            Failure::NoSpace => "noSpace",
            Failure::Unavailable | Failure::Internal => "cannotCommit",
        };
        let mut problem = self.problem.lock().unwrap_or_else(PoisonError::into_inner);
        let since = match problem.as_ref() {
            Some(earlier) if earlier.code == code => earlier.since,
            _ => jiff::Timestamp::now(),
        };
        *problem = Some(Problem {
            code,
            reason: error.cause().to_string(),
            since,
            last: std::time::Instant::now(),
        });
        self.failing.store(true, Ordering::Release);
    }

    /// A probe committed (a write the size of a full batch).
    pub fn committed(&self) {
        if !self.failing.load(Ordering::Acquire) {
            return;
        }
        let mut problem = self.problem.lock().unwrap_or_else(PoisonError::into_inner);
        self.failing.store(false, Ordering::Release);
        if problem.take().is_some() {
            tracing::info!("writes commit again");
        }
    }

    /// The failure since which no commit succeeded, if any.
    pub fn problem(&self) -> Option<Problem> {
        self.problem
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
