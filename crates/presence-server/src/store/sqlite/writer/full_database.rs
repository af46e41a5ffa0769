//! The writer when the database cannot grow: `max_page_count` makes SQLite answer
//! `SQLITE_FULL` as a full disk does (and, as with a full disk, SQLite rolls the whole
//! transaction back by itself), with no root and no small filesystem needed.

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};

use super::super::wal_sync::Acknowledge;
use super::Writer;
use crate::engine::{Session, SessionKind};
use crate::store::health::WriteHealth;
use crate::store::state_cache::StateCache;
use crate::store::{Failure, UserKey, Write};
use presence_model::{Activity, Availability};

fn key(user: &str) -> UserKey {
    UserKey {
        tenant: "t".into(),
        user: user.into(),
    }
}

fn put(user: &str) -> Write {
    let now = jiff::Timestamp::now();
    Write::PutSession {
        user: key(user),
        session: Session {
            session_id: "app".into(),
            kind: SessionKind::Application,
            availability: Availability::Busy,
            activity: Activity::InACall,
            refreshed_at: now,
            expires_at: now + jiff::SignedDuration::from_hours(1),
        },
    }
}

/// Submits a put for each of `users` at once (one batch, or a few); the users acknowledged.
async fn put_all(writer: &Writer, users: impl Iterator<Item = String>) -> (Vec<String>, usize) {
    let mut pending = Vec::new();
    for user in users {
        let writer = writer.clone();
        pending.push(tokio::spawn(async move {
            let result = writer.submit(put(&user)).await;
            (user, result)
        }));
    }
    let (mut acknowledged, mut refused) = (Vec::new(), 0);
    for task in pending {
        let (user, result) = task.await.expect("the submitter ran");
        match result {
            Ok(_) => acknowledged.push(user),
            Err(error) => {
                assert_eq!(error.failure(), Failure::NoSpace, "{error}");
                refused += 1;
            }
        }
    }
    (acknowledged, refused)
}

#[tokio::test]
async fn once_the_database_is_full_nothing_is_acknowledged_that_was_not_committed() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("presence.db").display());
    let options = SqliteConnectOptions::from_str(&url)
        .expect("a URL")
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .pragma("max_page_count", "64");
    let mut connection = sqlx::ConnectOptions::connect(&options)
        .await
        .expect("opened");
    super::super::MIGRATOR
        .run(&mut connection)
        .await
        .expect("migrated");
    // As at start: the probe's row exists before the database fills.
    super::super::apply::probe(&mut connection)
        .await
        .expect("probed");
    let health = Arc::new(WriteHealth::default());
    let writer = Writer::spawn(
        connection,
        options,
        Arc::new(StateCache::new(1 << 20)),
        Acknowledge::AtCommit,
        health.clone(),
    );

    // Fill it, a batch at a time, until writes are refused.
    let mut acknowledged = Vec::new();
    let mut next = 0;
    loop {
        let (done, refused) =
            put_all(&writer, (next..next + 50).map(|n| format!("user-{n}"))).await;
        next += 50;
        acknowledged.extend(done);
        if refused > 0 {
            break;
        }
        assert!(next < 100_000, "the database never filled");
    }
    let problem = health.problem().expect("the failure is known");
    assert_eq!(problem.code, "noSpace");

    // Full: 50 more writes, each alone, each refused (before the fix: 200 and never kept).
    for n in 0..50 {
        let result = writer.submit(put(&format!("late-{n}"))).await;
        let error = result.expect_err("no room, so not acknowledged");
        assert_eq!(error.failure(), Failure::NoSpace);
    }

    // Room again: clearing sessions frees pages; writes commit without a restart.
    let freed: Vec<String> = acknowledged.drain(..acknowledged.len() / 2).collect();
    let stored_id = crate::store::codec::stored_session_id("app", SessionKind::Application);
    writer
        .submit(Write::PurgeSessions {
            now: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2),
            sessions: freed
                .iter()
                .map(|user| (key(user), stored_id.clone().into_owned()))
                .collect(),
        })
        .await
        .expect("a delete needs no new page");
    let (done, _) = put_all(&writer, (0..5).map(|n| format!("again-{n}"))).await;
    assert!(!done.is_empty(), "writes commit again once there is room");
    writer.probe().await.expect("a probe commits");
    assert!(health.problem().is_none(), "and the store says so");
    acknowledged.extend(done);
    writer.close().await;

    // Every acknowledged write is in the database, read by a connection of its own.
    let mut reader =
        sqlx::ConnectOptions::connect(&SqliteConnectOptions::from_str(&url).expect("a URL"))
            .await
            .expect("opened");
    let stored: HashSet<String> = sqlx::query_scalar("SELECT user_id FROM presence_sessions")
        .fetch_all(&mut reader)
        .await
        .expect("read")
        .into_iter()
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|user| !stored.contains(*user))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged writes are missing: {lost:?}",
        lost.len()
    );
    for user in &freed {
        assert!(!stored.contains(user), "{user} was cleared");
    }
}
