//! The read fence that lets an instance answer reads from memory and still be linearizable
//! across instances (in the manner of Raft's ReadIndex).
//!
//! Every write to a user sends a NOTIFY naming the user at its commit ([`super::listen`]),
//! and the instance's listener forgets that user's state in memory when it hears it.
//! PostgreSQL delivers notifications to a listener in commit order. So when a read has
//! committed a NOTIFY of its own on [`CHANNEL`] *after it began*, and the listener hears it,
//! the listener has heard every change committed before the read began: every write any
//! instance acknowledged by then. The read may then answer from memory.
//!
//! One fence serves every read that arrives while the previous one is in flight: the reads
//! waiting when a fence is sent share it, and the next ones wait for the next (a read never
//! uses a fence sent before it began). While the listener is not known to be listening (at
//! start, after a lost connection), a fence that arrives proves it is again, after the
//! memory was emptied; until then, and whenever a fence does not come back in time, reads
//! ask the database, and keep nothing.
//!
//! **Invariant:** a read answers from memory only after a fence sent after it began came
//! back on the listening connection, and only if that connection has not been lost since
//! the memory was last emptied.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, oneshot};

use super::reach::Pool;
use crate::store::state_cache::StateCache;

/// The NOTIFY channel of fences.
pub const CHANNEL: &str = "presence_fence";

/// What the fence knows.
#[derive(Debug)]
pub struct Fence {
    /// Names this instance's fences, so that others' are ignored.
    instance: String,
    state: Mutex<State>,
    /// Wakes the sender when reads wait.
    wake: Notify,
    /// Whether the listener is known to be listening, with the memory emptied since it
    /// last was not.
    synced: AtomicBool,
    /// How long a read waits for its fence before it asks the database instead.
    patience: Duration,
}

#[derive(Debug, Default)]
struct State {
    /// Reads waiting for the next fence.
    waiting: Vec<oneshot::Sender<()>>,
    /// Fences sent, by number, with the reads they serve.
    in_flight: HashMap<u64, Vec<oneshot::Sender<()>>>,
    next: u64,
}

impl Fence {
    pub fn new(patience: Duration) -> Self {
        Self {
            instance: uuid::Uuid::new_v4().to_string(),
            state: Mutex::default(),
            wake: Notify::new(),
            synced: AtomicBool::new(false),
            patience,
        }
    }

    /// Waits for a fence sent after this call; true when reads may then answer from
    /// memory.
    pub async fn pass(&self) -> bool {
        let (done, arrived) = oneshot::channel();
        self.lock().waiting.push(done);
        self.wake.notify_one();
        matches!(
            tokio::time::timeout(self.patience, arrived).await,
            Ok(Ok(()))
        ) && self.synced.load(Ordering::Acquire)
    }

    /// The listener heard a fence (`payload`): its reads pass. When the listener was not
    /// known to be listening, it is now: the memory is emptied first, since changes may
    /// have been missed meanwhile.
    pub fn arrived(&self, payload: &str, cache: &StateCache) {
        let Some((instance, number)) = payload.split_once(':') else {
            return;
        };
        if instance != self.instance {
            return;
        }
        if !self.synced.load(Ordering::Acquire) {
            cache.invalidate_all();
            self.synced.store(true, Ordering::Release);
        }
        let Ok(number) = number.parse::<u64>() else {
            return;
        };
        let served = self.lock().in_flight.remove(&number).unwrap_or_default();
        for read in served {
            let _ = read.send(());
        }
    }

    /// The listening connection was lost (notifications sent meanwhile are gone): the
    /// memory is emptied, and no read passes until a fence comes back on a new connection.
    pub fn lost(&self, cache: &StateCache) {
        self.synced.store(false, Ordering::Release);
        cache.invalidate_all();
        let mut state = self.lock();
        state.in_flight.clear();
        state.waiting.clear();
    }

    /// Sends a fence for the reads waiting, whenever some are, one statement at a time.
    pub async fn send_forever(&self, pool: Pool) {
        loop {
            self.wake.notified().await;
            let (number, any) = {
                let mut state = self.lock();
                let batch = std::mem::take(&mut state.waiting);
                let number = state.next;
                state.next += 1;
                let any = !batch.is_empty();
                if any {
                    state.in_flight.insert(number, batch);
                }
                (number, any)
            };
            if !any {
                continue;
            }
            let payload = format!("{}:{number}", self.instance);
            let sent = match pool.acquire().await {
                Ok(mut connection) => sqlx::query("SELECT pg_notify($1, $2)::text")
                    .bind(CHANNEL)
                    .bind(&payload)
                    .execute(&mut *connection)
                    .await
                    .is_ok(),
                Err(_) => false,
            };
            if !sent {
                // Its reads ask the database instead.
                self.lock().in_flight.remove(&number);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
