//! The fsync of committed batches, taken off the writer's path: the writer commits with
//! `synchronous = NORMAL` (SQLite writes the WAL frames but does not wait for the disk) and
//! hands the batch's answers here; this thread syncs the WAL file once for everything handed
//! over meanwhile, and only then answers. So every 200 is still sent after an fsync that
//! began after its commit, while the writer already commits the next batch.
//!
//! Why: with `synchronous = FULL` the writer waited for the disk inside every commit, and
//! writes queued behind it waited with it; on this machine's 2 cores that left about a
//! fifth of the CPU idle under a write load.
//!
//! What it changes, and why that is acceptable: a write is visible to other readers between
//! its commit and its fsync (about a millisecond), before it is acknowledged. A process
//! crash (`kill -9`) loses nothing of it, since the frames are in the kernel's page cache;
//! only an operating-system crash or power loss in that millisecond can lose a write that
//! a reader saw, never one that was acknowledged. Checkpoints keep SQLite's own syncs
//! (the checkpointing connection is `FULL`): the WAL is synced before frames are copied
//! and the database after.
//!
//! Correct because fsync flushes a file's dirty pages whoever wrote them: the WAL file is
//! opened anew for each sync (cheap, and never a descriptor of a file SQLite has since
//! replaced). A WAL file that no longer exists was checkpointed and removed by SQLite,
//! which synced the database first.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use tokio::sync::oneshot;

use crate::store::health::WriteHealth;
use crate::store::{StoreError, Written};

/// One write's answer, sent once its batch is on disk.
pub type Answer = (
    oneshot::Sender<Result<Written, StoreError>>,
    Result<Written, StoreError>,
);

/// How the writer acknowledges a committed batch.
#[derive(Debug)]
pub enum Acknowledge {
    /// At once: the commit itself was durable (`synchronous = FULL`), or there is no
    /// file (an in-memory database).
    AtCommit,
    /// After this thread's next fsync of the WAL.
    AfterSync(mpsc::Sender<Vec<Answer>>),
}

impl Acknowledge {
    /// Starts the syncing thread for the database file at `database`; a sync that fails is
    /// reported to `health`.
    pub fn after_sync(database: PathBuf, health: Arc<WriteHealth>) -> std::io::Result<Self> {
        let mut wal = database.into_os_string();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        let (sender, receiver) = mpsc::channel::<Vec<Answer>>();
        std::thread::Builder::new()
            .name("wal-sync".to_owned())
            .spawn(move || run(&wal, &receiver, &health))?;
        Ok(Self::AfterSync(sender))
    }

    /// Answers a committed batch: now, or once its commit is on disk.
    pub fn send(&self, answers: Vec<Answer>) {
        match self {
            Self::AtCommit => answer(answers, None),
            Self::AfterSync(thread) => {
                // The thread ends only when every sender is gone; if it is gone anyway,
                // nobody can be told the write is durable.
                if let Err(mpsc::SendError(answers)) = thread.send(answers) {
                    let stopped = std::io::Error::other("the WAL sync thread stopped");
                    answer(answers, Some(&sync_failed(&stopped)));
                }
            }
        }
    }
}

fn run(wal: &std::path::Path, batches: &mpsc::Receiver<Vec<Answer>>, health: &WriteHealth) {
    while let Ok(first) = batches.recv() {
        let mut waiting = vec![first];
        waiting.extend(batches.try_iter());
        let started = std::time::Instant::now();
        let synced = sync(wal);
        if let Some(metrics) = crate::metrics::get() {
            metrics
                .wal_sync_duration
                .observe(started.elapsed().as_secs_f64());
        }
        let failure = match synced {
            Ok(()) => None,
            Err(error) => {
                tracing::error!(%error, wal = %wal.display(), "cannot sync the WAL: writes are failed");
                let failed = sync_failed(&error);
                health.failed(&failed);
                Some(failed)
            }
        };
        for answers in waiting {
            answer(answers, failure.as_ref());
        }
    }
}

/// Flushes the WAL file's data (everything committed so far) to disk.
fn sync(wal: &std::path::Path) -> std::io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(file) => file.sync_data(),
        // Checkpointed into the database (synced) and removed by SQLite.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// The answer to writes whose commit could not be synced: not acknowledged, and a full
/// disk still reads as one.
fn sync_failed(why: &std::io::Error) -> StoreError {
    StoreError::not_committed(sqlx::Error::Io(std::io::Error::new(
        why.kind(),
        format!("the commit could not be made durable: {why}"),
    )))
}

fn answer(answers: Vec<Answer>, failure: Option<&StoreError>) {
    for (reply, result) in answers {
        let result = match failure {
            Some(error) => Err(error.clone()),
            None => result,
        };
        let _ = reply.send(result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands `groups` batches of answers to `acknowledge` and returns what each submitter got.
    async fn answered(
        acknowledge: &Acknowledge,
        groups: usize,
    ) -> Vec<Result<Written, StoreError>> {
        let mut waiting = Vec::new();
        for group in 0..groups {
            let mut answers = Vec::new();
            for n in 0..3 {
                let (reply, answer) = oneshot::channel();
                let result = Ok(Written::Purged(
                    u32::try_from(group * 3 + n).expect("small"),
                ));
                answers.push((reply, result));
                waiting.push(answer);
            }
            acknowledge.send(answers);
        }
        let mut results = Vec::new();
        for answer in waiting {
            results.push(answer.await.expect("answered"));
        }
        results
    }

    #[tokio::test]
    async fn every_answer_is_sent_once_the_wal_is_synced_as_committed() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let database = dir.path().join("presence.db");
        std::fs::write(dir.path().join("presence.db-wal"), b"frames").expect("a WAL");
        let acknowledge = Acknowledge::after_sync(database, Arc::default()).expect("started");
        let results = answered(&acknowledge, 4).await;
        let purged: Vec<u32> = results
            .into_iter()
            .map(|result| match result {
                Ok(Written::Purged(n)) => n,
                other => panic!("unexpected answer {other:?}"),
            })
            .collect();
        assert_eq!(purged, (0..12).collect::<Vec<u32>>());
    }

    #[tokio::test]
    async fn a_wal_already_checkpointed_away_counts_as_synced() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let acknowledge = Acknowledge::after_sync(dir.path().join("presence.db"), Arc::default())
            .expect("started");
        assert!(answered(&acknowledge, 2).await.iter().all(Result::is_ok));
    }

    #[tokio::test]
    async fn when_the_wal_cannot_be_synced_every_write_waiting_for_it_fails() {
        let dir = tempfile::tempdir().expect("temporary directory");
        // A path through a regular file: opening the WAL fails with "not a directory".
        let file = dir.path().join("file");
        std::fs::write(&file, b"").expect("a file");
        let acknowledge =
            Acknowledge::after_sync(file.join("presence.db"), Arc::default()).expect("started");
        let results = answered(&acknowledge, 2).await;
        assert_eq!(results.len(), 6);
        for result in results {
            let error = result.expect_err("failed");
            assert!(
                error.to_string().contains("could not be made durable"),
                "{error}"
            );
        }
    }

    #[tokio::test]
    async fn an_in_memory_database_is_answered_at_commit() {
        assert!(
            answered(&Acknowledge::AtCommit, 2)
                .await
                .iter()
                .all(Result::is_ok)
        );
    }
}
