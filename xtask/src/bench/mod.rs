//! `cargo xtask bench`: the load benchmark.
//!
//! Builds the server in release mode, starts the real binary on a temporary database, drives
//! it over loopback with many concurrent keep-alive connections, and reports each scenario's
//! throughput and latency percentiles, absolute and as a ratio to a trivial route measured in
//! the same run (`GET /livez`: the ceiling of the HTTP stack on this machine). It does so on
//! an almost empty database and on one pre-populated with 100,000 users and 1,000,000
//! sessions, and compares the two. Results go to `target/bench/` as JSON and markdown.

mod dataset;
mod load;
mod report;
mod scenarios;
mod server;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

pub use report::Report;

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
    let mut results = Vec::new();
    for dataset in &datasets {
        eprintln!("== dataset: {}", dataset.name);
        results.push(runtime.block_on(scenarios::run_dataset(&binary, dataset, &settings))?);
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
