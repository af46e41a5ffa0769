//! The scenarios, and one dataset's run of all of them.

use std::path::Path;
use std::sync::Arc;

use serde_json::json;

use super::dataset::{Dataset, TENANT};
use super::load::{self, Generator, Measured, Settings, Worker};
use super::server::{self, Running};
use super::target::{Database, Target};
use crate::postgres::Cluster;

/// The benchmark's application id: session 0 of every populated user is its.
const APP: &str = "app-00";

/// Ids per bulk read in the mixed workload.
const BATCH_IDS: u32 = 100;

/// One scenario's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScenarioResult {
    pub name: String,
    pub requests: u64,
    pub errors: u64,
    pub throughput: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    /// Throughput relative to the baseline of the same dataset run.
    pub ratio_to_baseline: f64,
}

/// One dataset's figures on one target.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DatasetResult {
    /// Target and dataset.
    pub name: String,
    /// Backend and instances, e.g. "PostgreSQL, 2 instances".
    pub target: String,
    pub dataset: String,
    pub users: u32,
    pub sessions: u64,
    pub startup_ms: f64,
    /// Of the server processes (summed over instances; PostgreSQL's own is not included).
    pub peak_memory_mb: f64,
    pub database_mb: f64,
    pub scenarios: Vec<ScenarioResult>,
}

/// Starts the target's servers on `dataset`, runs every scenario, and stops them. Requests
/// are spread over the instances (by load-generator worker).
pub async fn run_dataset(
    binary: &Path,
    dataset: &Dataset,
    settings: &Settings,
    target: Target,
    cluster: Option<&Cluster>,
) -> anyhow::Result<DatasetResult> {
    let dir = tempfile_dir()?;
    let database = Database::create(target, dir.path(), cluster)?;
    let url = database.url();
    // First start creates and migrates the database; then it is filled while stopped.
    Running::start(binary, dir.path(), url)
        .await?
        .stop()
        .await?;
    eprintln!("   populating {} sessions", dataset.sessions());
    dataset.populate(&database).await?;
    let mut servers = Vec::new();
    for _ in 0..target.instances() {
        servers.push(Running::start(binary, dir.path(), url).await?);
    }
    let startup_ms = servers
        .iter()
        .map(|s| s.startup.as_secs_f64() * 1000.0)
        .fold(0.0, f64::max);
    eprintln!("   started in {startup_ms:.0} ms");
    let token = mint_token()?;
    let client = load::client(settings.concurrency)?;
    let origins: Vec<String> = servers.iter().map(|s| s.origin.clone()).collect();
    let base: Vec<String> = origins.iter().map(|o| format!("{o}/v1.0")).collect();
    let base = base.as_slice();
    let users = dataset.users;

    let mut measured: Vec<(&str, Measured)> = Vec::new();
    let scenarios: Vec<(&str, Generator)> = vec![
        ("baseline GET /livez", baseline(&origins, &token)),
        ("GET presence", get_presence(base, &token, users)),
        ("setPresence (new sessions)", set_new(base, &token)),
        ("setPresence (refresh)", set_refresh(base, &token, users)),
        ("mix", mix(base, &token, users)),
    ];
    for (name, generator) in scenarios {
        eprintln!("   {name}");
        measured.push((name, load::closed_loop(settings, &client, generator).await));
    }
    let get_peak = measured
        .iter()
        .find(|(n, _)| *n == "GET presence")
        .map_or(1.0, |(_, m)| m.throughput());
    eprintln!(
        "   GET presence at half of its peak ({:.0}/s)",
        get_peak / 2.0
    );
    let half = load::open_loop(
        settings,
        &client,
        get_presence(base, &token, users),
        get_peak / 2.0,
    )
    .await;
    measured.push(("GET presence at 50% of peak", half));

    let mut peak_memory = 0;
    for server in servers {
        peak_memory += server.peak_memory()?;
        server.stop().await?;
    }
    let baseline_rps = measured.first().map_or(1.0, |(_, m)| m.throughput());
    let scenarios = measured
        .into_iter()
        .map(|(name, m)| ScenarioResult {
            name: name.to_owned(),
            requests: m.requests,
            errors: m.errors,
            throughput: m.throughput(),
            p50_ms: m.percentile_ms(0.5),
            p99_ms: m.percentile_ms(0.99),
            p999_ms: m.percentile_ms(0.999),
            ratio_to_baseline: m.throughput() / baseline_rps,
        })
        .collect();
    Ok(DatasetResult {
        name: format!("{}: {}", target.name(), dataset.name),
        target: target.name(),
        dataset: dataset.name.clone(),
        users: dataset.users,
        sessions: dataset.sessions(),
        startup_ms,
        peak_memory_mb: peak_memory as f64 / 1_048_576.0,
        database_mb: database.size().await? as f64 / 1_048_576.0,
        scenarios,
    })
}

fn tempfile_dir() -> anyhow::Result<tempfile::TempDir> {
    Ok(tempfile::tempdir()?)
}

fn mint_token() -> anyhow::Result<String> {
    let request = presence_cli::token::TokenRequest {
        tenant: TENANT.to_owned(),
        // The application whose sessions the dataset holds, so refreshes are refreshes.
        app_id: APP.to_owned(),
        user: None,
        permissions: vec!["Presence.ReadWrite.All".to_owned()],
        lifetime: jiff::SignedDuration::from_hours(4),
        audience: None,
        issuer: None,
    };
    presence_cli::token::mint(&request, server::SECRET, jiff::Timestamp::now())
}

fn baseline(origins: &[String], token: &str) -> Generator {
    let urls: Vec<String> = origins.iter().map(|o| format!("{o}/livez")).collect();
    let token = token.to_owned();
    Arc::new(move |client, worker| {
        let url = pick(&urls, worker);
        (client.get(url).bearer_auth(&token), 200)
    })
}

/// The instance a worker talks to: workers are spread evenly over the instances.
fn pick<'a>(bases: &'a [String], worker: &Worker) -> &'a str {
    &bases[worker.id % bases.len()]
}

fn get_presence(bases: &[String], token: &str, users: u32) -> Generator {
    let (bases, token) = (bases.to_vec(), token.to_owned());
    Arc::new(move |client, worker| {
        let base = pick(&bases, worker);
        let user = Dataset::user(worker.below(users));
        (
            client
                .get(format!("{base}/users/{user}/presence"))
                .bearer_auth(&token),
            200,
        )
    })
}

/// Each request creates a session for a user that has none yet.
fn set_new(bases: &[String], token: &str) -> Generator {
    let (bases, token) = (bases.to_vec(), token.to_owned());
    Arc::new(move |client, worker| {
        let base = pick(&bases, worker);
        let user = format!("new-{}-{}", worker.id, worker.counter);
        (set(client, base, &token, &user, APP), 200)
    })
}

/// Each request refreshes the existing session of a populated user.
fn set_refresh(bases: &[String], token: &str, users: u32) -> Generator {
    let (bases, token) = (bases.to_vec(), token.to_owned());
    Arc::new(move |client, worker| {
        let base = pick(&bases, worker);
        let user = Dataset::user(worker.below(users));
        (set(client, base, &token, &user, APP), 200)
    })
}

/// 60 % reads, 25 % refreshes, 5 % bulk reads of 100 ids, 5 % new sessions, 5 % clears of
/// sessions this worker created.
fn mix(bases: &[String], token: &str, users: u32) -> Generator {
    let (bases, token) = (bases.to_vec(), token.to_owned());
    Arc::new(move |client, worker: &mut Worker| {
        let base = pick(&bases, worker).to_owned();
        let roll = worker.below(100);
        if roll < 60 {
            let user = Dataset::user(worker.below(users));
            (
                client
                    .get(format!("{base}/users/{user}/presence"))
                    .bearer_auth(&token),
                200,
            )
        } else if roll < 85 {
            let user = Dataset::user(worker.below(users));
            (set(client, &base, &token, &user, APP), 200)
        } else if roll < 90 {
            let ids: Vec<String> = (0..BATCH_IDS)
                .map(|_| Dataset::user(worker.below(users)))
                .collect();
            let request = client
                .post(format!("{base}/communications/getPresencesByUserId"))
                .bearer_auth(&token)
                .json(&json!({ "ids": ids }));
            (request, 200)
        } else if roll < 95 || worker.created.is_empty() {
            let user = format!("mix-{}-{}", worker.id, worker.counter);
            worker.created.push((user.clone(), APP.to_owned()));
            (set(client, &base, &token, &user, APP), 200)
        } else {
            let (user, session) = worker.created.swap_remove(0);
            let request = client
                .post(format!("{base}/users/{user}/presence/clearPresence"))
                .bearer_auth(&token)
                .json(&json!({ "sessionId": session }));
            (request, 200)
        }
    })
}

fn set(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    user: &str,
    session: &str,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{base}/users/{user}/presence/setPresence"))
        .bearer_auth(token)
        .json(&json!({
            "sessionId": session,
            "availability": "Busy",
            "activity": "InACall",
            "expirationDuration": "PT1H",
        }))
}
