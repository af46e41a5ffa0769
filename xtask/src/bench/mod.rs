//! `cargo xtask bench`: the load benchmark.
//!
//! Builds the server in release mode, starts the real binary on a temporary database, drives
//! it over loopback with many concurrent keep-alive connections, and reports each scenario's
//! throughput and latency percentiles, absolute and as a ratio to a trivial route measured in
//! the same run (`GET /livez`: the ceiling of the HTTP stack on this machine). It does so on
//! an almost empty database and on one pre-populated with 100,000 users and 1,000,000
//! sessions, and compares the two. With `--backend postgres` (or `all`) it does the same on a
//! throwaway PostgreSQL cluster, with one server instance and then two sharing the database
//! (requests spread evenly over them). Results go to `target/bench/` as JSON and markdown.

mod dataset;
mod load;
mod report;
mod scenarios;
mod server;
mod target;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

pub use report::Report;
use target::Target;

use crate::postgres::Cluster;

/// What to run.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Seconds each scenario is measured (after a one-second warm-up).
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Users in the large dataset (each with `sessions-per-user` sessions).
    #[arg(long, default_value_t = 100_000)]
    pub large_users: u32,
    /// Sessions per user in both datasets.
    #[arg(long, default_value_t = 10)]
    pub sessions_per_user: u32,
    /// Skip the large dataset (quick runs while tuning).
    #[arg(long)]
    pub small_only: bool,
    /// Where to write results (default: target/bench).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Storage to measure: `sqlite`, `postgres` (one instance, then two on the same
    /// database, on a throwaway cluster), or `all`.
    #[arg(long, value_enum, default_value_t = Backends::Sqlite)]
    pub backend: Backends,
}

/// Which storage backends a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backends {
    Sqlite,
    Postgres,
    All,
}

impl Backends {
    fn targets(self) -> Vec<Target> {
        let postgres = [
            Target::Postgres { instances: 1 },
            Target::Postgres { instances: 2 },
        ];
        match self {
            Backends::Sqlite => vec![Target::Sqlite],
            Backends::Postgres => postgres.to_vec(),
            Backends::All => [&[Target::Sqlite][..], &postgres].concat(),
        }
    }
}

/// Runs every dataset and scenario; writes and prints the report.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let binary = server::build_release()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the load generator's runtime")?;
    let mut datasets = vec![dataset::Dataset::small(args.sessions_per_user)];
    if !args.small_only {
        datasets.push(dataset::Dataset::large(
            args.large_users,
            args.sessions_per_user,
        ));
    }
    let settings = load::Settings {
        concurrency: args.concurrency,
        warmup: Duration::from_secs(1),
        measure: Duration::from_secs(args.seconds),
    };
    let targets = args.backend.targets();
    let cluster = if targets.iter().any(|t| *t != Target::Sqlite) {
        let bin = Cluster::binaries().context(
            "PostgreSQL's server binaries were not found (apt-get install postgresql, or set \
             PRESENCE_PG_BIN)",
        )?;
        // Default settings but for connections: durable commits (fsync on), as SQLite's.
        Some(Cluster::start(&bin, &["max_connections=100"])?)
    } else {
        None
    };
    let mut results = Vec::new();
    for target in targets {
        for dataset in &datasets {
            eprintln!("== {}: {}", target.name(), dataset.name);
            results.push(runtime.block_on(scenarios::run_dataset(
                &binary,
                dataset,
                &settings,
                target,
                cluster.as_ref(),
            ))?);
        }
    }
    let report = Report::new(&settings, results);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| crate::codegen::workspace_root().join("target/bench"));
    let (json, markdown) = report.write(&out)?;
    println!("{}", report.markdown());
    eprintln!("results: {} and {}", json.display(), markdown.display());
    Ok(())
}
