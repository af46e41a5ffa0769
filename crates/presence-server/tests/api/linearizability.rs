//! #29 item 3: a linearizability check. Several clients write and read the same few users
//! through two instances on one database (one server on SQLite, where a second cannot share
//! the file), every operation's start, end and result is recorded, and a Wing–Gong checker
//! (with Porcupine's memoisation of seen states) searches for a sequential order that explains
//! the history, per user, against a register model: `setPresence` with one session id writes
//! the user's presence, `clearPresence` writes Offline, a read returns the last value written.
//! A history that no order explains fails the test, with the user's operations printed.
//!
//! It guards the read paths against stale answers: today's (SQLite's in-memory state, a
//! database read per request on PostgreSQL) and whatever replaces them (issue 29 item 1).

use std::sync::Arc;
use std::time::{Duration, Instant};

use presence_test_support::{Backend, TestServer, backend, database_url_for};
use serde_json::json;

/// One session id for every writer, so the user's presence is exactly the last value
/// written to it (a register), not an aggregate of several sessions.
const SESSION: &str = presence_test_support::APP;

/// The values written: availability and activity.
const VALUES: [(&str, &str); 4] = [
    ("Available", "Available"),
    ("Busy", "InACall"),
    ("Away", "Away"),
    ("DoNotDisturb", "Presenting"),
];

/// What a cleared (or never set) user reads.
const OFFLINE: &str = "Offline/Offline";

/// One operation of the history.
#[derive(Debug, Clone)]
struct Operation {
    user: usize,
    /// When it was sent and when its answer came back, from the test's start.
    call: Duration,
    ret: Duration,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// A write of this value that was acknowledged (200 or 404 of a clear).
    Write(String),
    /// A write whose outcome is unknown (a failed request): it may or may not have happened,
    /// at any time after its call.
    MaybeWrite(String),
    Read(String),
}

mod checker {
    //! Wing & Gong's search for a linearization, with Porcupine's cache: operations are taken
    //! in call order; at each step any operation that was called before the earliest pending
    //! return may come next, if the model accepts it; a (set of linearized operations, state)
    //! seen before is not searched again.

    use std::collections::HashSet;

    use super::{Kind, OFFLINE, Operation};

    /// Whether `history` (one user's) has a linearization against the register model.
    pub fn linearizable(history: &[Operation]) -> bool {
        let n = history.len();
        assert!(n <= 128, "the checker takes up to 128 operations per user");
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| history[i].call);
        let mut seen: HashSet<(u128, String)> = HashSet::new();
        search(history, &order, 0u128, OFFLINE.to_owned(), &mut seen)
    }

    fn search(
        history: &[Operation],
        order: &[usize],
        done: u128,
        state: String,
        seen: &mut HashSet<(u128, String)>,
    ) -> bool {
        let pending: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| done & (1 << i) == 0)
            .collect();
        // Only operations that must happen need to: a write whose outcome is unknown may be
        // left out for good.
        if pending
            .iter()
            .all(|&i| matches!(history[i].kind, Kind::MaybeWrite(_)))
        {
            return true;
        }
        if !seen.insert((done, state.clone())) {
            return false;
        }
        // The earliest return among pending operations that must happen bounds what may go
        // next: an operation called after it cannot precede it.
        let bound = pending
            .iter()
            .filter(|&&i| !matches!(history[i].kind, Kind::MaybeWrite(_)))
            .map(|&i| history[i].ret)
            .min()
            .unwrap_or_default();
        for &i in &pending {
            if history[i].call > bound {
                continue;
            }
            let next = match &history[i].kind {
                Kind::Write(value) | Kind::MaybeWrite(value) => value.clone(),
                Kind::Read(value) if *value == state => state.clone(),
                Kind::Read(_) => continue,
            };
            if search(history, order, done | (1 << i), next, seen) {
                return true;
            }
        }
        false
    }

    #[cfg(test)]
    mod tests {
        use std::time::Duration;

        use super::super::{Kind, Operation};
        use super::linearizable;

        fn op(call: u64, ret: u64, kind: Kind) -> Operation {
            Operation {
                user: 0,
                call: Duration::from_millis(call),
                ret: Duration::from_millis(ret),
                kind,
            }
        }

        fn w(v: &str) -> Kind {
            Kind::Write(v.to_owned())
        }

        fn r(v: &str) -> Kind {
            Kind::Read(v.to_owned())
        }

        #[test]
        fn a_stale_read_after_an_acknowledged_write_is_caught() {
            // Write A ends, then a read starts and sees the value before A.
            let history = [op(0, 10, w("A")), op(20, 30, r("Offline/Offline"))];
            assert!(!linearizable(&history));
            // Overlapping, either order explains it.
            let history = [op(0, 10, w("A")), op(5, 30, r("Offline/Offline"))];
            assert!(linearizable(&history));
        }

        #[test]
        fn reads_may_not_go_back_to_an_older_value() {
            // B is written after A; one read sees B, a later one sees A again.
            let history = [
                op(0, 10, w("A")),
                op(20, 30, w("B")),
                op(40, 50, r("B")),
                op(60, 70, r("A")),
            ];
            assert!(!linearizable(&history));
            let history = [
                op(0, 10, w("A")),
                op(20, 30, w("B")),
                op(40, 50, r("B")),
                op(60, 70, r("B")),
            ];
            assert!(linearizable(&history));
        }

        #[test]
        fn concurrent_writes_may_be_seen_in_either_order_but_consistently() {
            let history = [
                op(0, 50, w("A")),
                op(0, 50, w("B")),
                op(60, 70, r("A")),
                op(80, 90, r("B")),
            ];
            assert!(
                !linearizable(&history),
                "both done, so the later read sees the same"
            );
            let history = [
                op(0, 50, w("A")),
                op(0, 50, w("B")),
                op(10, 40, r("A")),
                op(60, 70, r("B")),
            ];
            assert!(linearizable(&history), "A, read A, B, read B");
        }

        #[test]
        fn a_write_of_unknown_outcome_may_or_may_not_have_happened() {
            let maybe = Kind::MaybeWrite("A".to_owned());
            assert!(linearizable(&[
                op(0, 10, maybe.clone()),
                op(20, 30, r("A"))
            ]));
            assert!(linearizable(&[
                op(0, 10, maybe.clone()),
                op(20, 30, r("Offline/Offline"))
            ]));
            assert!(!linearizable(&[
                op(0, 10, maybe),
                op(20, 30, r("A")),
                op(40, 50, r("Offline/Offline"))
            ]));
        }
    }
}

/// The instances a history is made through: two on one PostgreSQL database, or the one
/// SQLite server twice.
async fn instances(args: &[&str]) -> (TestServer, Option<TestServer>) {
    match backend() {
        Backend::Postgres => {
            let (a, b) = TestServer::start_pair(args).await;
            (a, Some(b))
        }
        Backend::Sqlite => (TestServer::start_with(args).await, None),
    }
}

/// Runs `clients` concurrent clients of `ops` operations each on `users` users, each
/// operation through a random one of `origins`, and answers the history.
async fn record(
    origins: Vec<String>,
    users: &[String],
    clients: usize,
    ops: usize,
    history: Arc<std::sync::Mutex<Vec<Operation>>>,
) -> Vec<Operation> {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (origins, users, history) = (origins.clone(), users.to_vec(), history.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            // A small deterministic generator per client: reproducible interleavings of kinds.
            let mut seed = 0x9E37_79B9_7F4A_7C15_u64 ^ (client as u64 + 1);
            let mut next = move |bound: usize| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed % bound as u64) as usize
            };
            for _ in 0..ops {
                let user = next(users.len());
                let origin = &origins[next(origins.len())];
                let presence = format!("{origin}/v1.0/users/{}/presence", users[user]);
                let call = start.elapsed();
                let kind = match next(5) {
                    0 | 1 => {
                        // A read that got no answer (a killed instance, PostgreSQL out of
                        // reach: 503) saw nothing, and is left out of the history.
                        let answer = http.get(&presence).send().await;
                        let Ok(answer) = answer.and_then(|a| a.error_for_status()) else {
                            continue;
                        };
                        let Ok(body) = answer.json::<serde_json::Value>().await else {
                            continue;
                        };
                        Kind::Read(format!(
                            "{}/{}",
                            body["availability"].as_str().unwrap_or("?"),
                            body["activity"].as_str().unwrap_or("?")
                        ))
                    }
                    2 => {
                        let answer = http
                            .post(format!("{presence}/clearPresence"))
                            .json(&json!({"sessionId": SESSION}))
                            .send()
                            .await;
                        // 404: there was no session, so the user reads Offline either way.
                        match answer.map(|a| a.status().as_u16()) {
                            Ok(200 | 404) => Kind::Write(OFFLINE.to_owned()),
                            _ => Kind::MaybeWrite(OFFLINE.to_owned()),
                        }
                    }
                    _ => {
                        let (availability, activity) = VALUES[next(VALUES.len())];
                        let answer = http
                            .post(format!("{presence}/setPresence"))
                            .json(&json!({"sessionId": SESSION, "availability": availability,
                                          "activity": activity, "expirationDuration": "PT1H"}))
                            .send()
                            .await;
                        let value = format!("{availability}/{activity}");
                        match answer.map(|a| a.status().as_u16()) {
                            Ok(200) => Kind::Write(value),
                            _ => Kind::MaybeWrite(value),
                        }
                    }
                };
                let ret = start.elapsed();
                history.lock().expect("the history").push(Operation {
                    user,
                    call,
                    ret,
                    kind,
                });
            }
        }));
    }
    for task in tasks {
        task.await.expect("a client ran");
    }
    history.lock().expect("the history").clone()
}

/// Checks every user's part of `history`, failing with the first that no order explains.
fn check(history: &[Operation], users: usize) {
    for user in 0..users {
        let mine: Vec<Operation> = history.iter().filter(|o| o.user == user).cloned().collect();
        assert!(
            checker::linearizable(&mine),
            "no sequential order explains user {user}'s operations:\n{mine:#?}"
        );
    }
}

#[tokio::test]
async fn reads_and_writes_through_two_instances_are_linearizable() {
    let (a, b) = instances(&["--auth", "none"]).await;
    let origins = vec![
        a.origin.clone(),
        b.as_ref()
            .map_or_else(|| a.origin.clone(), |b| b.origin.clone()),
    ];
    let users: Vec<String> = (1..=3)
        .map(|n| format!("00000000-0000-4000-8000-00000000000{n}"))
        .collect();
    let history = record(origins, &users, 6, 40, Arc::default()).await;
    let reads = history
        .iter()
        .filter(|o| matches!(o.kind, Kind::Read(_)))
        .count();
    assert!(reads > 40, "the history has reads to check: {reads}");
    check(&history, users.len());
}

#[tokio::test]
async fn the_history_stays_linearizable_when_an_instance_is_killed() {
    if backend() != Backend::Postgres {
        eprintln!("needs two instances on one database: PostgreSQL (PRESENCE_TEST_POSTGRES)");
        return;
    }
    let (a, b) = TestServer::start_pair(&["--auth", "none"]).await;
    let origins = vec![a.origin.clone(), b.origin.clone()];
    let users: Vec<String> = (1..=3)
        .map(|n| format!("00000000-0000-4000-8000-00000000001{n}"))
        .collect();
    let history: Arc<std::sync::Mutex<Vec<Operation>>> = Arc::default();
    let recording = tokio::spawn({
        let (users, history) = (users.clone(), history.clone());
        async move { record(origins, &users, 6, 40, history).await }
    });
    // kill -9 of instance B once a third of the history is made: requests through it fail
    // from then on (reads are dropped, writes may or may not have happened).
    while history.lock().expect("the history").len() < 80 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    b.kill().await;
    let history = recording.await.expect("recorded");
    let failed = history
        .iter()
        .filter(|o| matches!(o.kind, Kind::MaybeWrite(_)))
        .count();
    eprintln!(
        "{} operations, {failed} writes of unknown outcome",
        history.len()
    );
    check(&history, users.len());
}

#[tokio::test]
async fn the_history_stays_linearizable_when_postgresql_goes_away_and_comes_back() {
    if backend() != Backend::Postgres {
        eprintln!("needs PostgreSQL (PRESENCE_TEST_POSTGRES)");
        return;
    }
    // Both instances reach PostgreSQL through a proxy the test cuts (every connection
    // closed, new ones refused) and restores, as a restart of PostgreSQL looks to them.
    let (a_dir, b_dir) = (
        tempfile::tempdir().expect("a temporary directory"),
        tempfile::tempdir().expect("a temporary directory"),
    );
    let direct = database_url_for(a_dir.path()).await;
    let (scheme_user, rest) = direct.split_once('@').expect("user@host");
    let (host_port, name) = rest.split_once('/').expect("host:port/name");
    let proxy = crate::postgres_down::Proxy::start(host_port.to_owned()).await;
    let via_proxy = format!("{scheme_user}@{}/{name}", proxy.addr);
    let start = |dir: std::path::PathBuf| {
        let url = via_proxy.clone();
        async move {
            let data = dir.display().to_string();
            TestServer::start_bare(
                &dir,
                &[
                    "--auth",
                    "none",
                    "--data-dir",
                    &data,
                    "--database-url",
                    &url,
                ],
            )
            .await
        }
    };
    let (a, b) = tokio::join!(start(a_dir.path().into()), start(b_dir.path().into()));
    let origins = vec![a.origin.clone(), b.origin.clone()];
    let users: Vec<String> = (1..=3)
        .map(|n| format!("00000000-0000-4000-8000-00000000002{n}"))
        .collect();
    let history: Arc<std::sync::Mutex<Vec<Operation>>> = Arc::default();
    let recording = tokio::spawn({
        let (users, history) = (users.clone(), history.clone());
        async move { record(origins, &users, 6, 40, history).await }
    });
    let made = || history.lock().expect("the history").len();
    while made() < 60 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    proxy.cut();
    let cut_at = made();
    // Out of reach while the clients make 30 more attempts (answered 503 within about the
    // database timeout, or left out when no answer came).
    while made() < cut_at + 30 && !recording.is_finished() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    proxy.restore().await;
    let history = recording.await.expect("recorded");
    let failed = history
        .iter()
        .filter(|o| matches!(o.kind, Kind::MaybeWrite(_)))
        .count();
    assert!(failed > 0, "some writes met the outage");
    eprintln!(
        "{} operations, {failed} writes of unknown outcome",
        history.len()
    );
    check(&history, users.len());
    drop((a, b));
}
