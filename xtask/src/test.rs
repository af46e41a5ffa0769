//! `cargo xtask test`: the whole test suite, once per storage backend.
//!
//! 1. `cargo test --workspace` as is: every server the tests start uses SQLite.
//! 2. The same command again with `PRESENCE_TEST_POSTGRES` pointing at a throwaway PostgreSQL
//!    cluster ([`crate::postgres::Cluster`]): every server gets a fresh database on it, and
//!    the tests that need two instances on one database run for real.
//!
//! Without PostgreSQL's server binaries the second pass is skipped with a warning, or fails
//! when `PRESENCE_REQUIRE_POSTGRES=1` (CI sets it).

use std::process::Command;

use anyhow::{Context, bail};

use crate::postgres::Cluster;

/// The variable the test harness reads (`presence_test_support::POSTGRES_ENV`).
const POSTGRES_ENV: &str = "PRESENCE_TEST_POSTGRES";

/// Runs both passes; fails if either fails.
pub fn run(extra: &[String]) -> anyhow::Result<()> {
    outlive_ctrl_c()?;
    eprintln!("== tests on SQLite");
    cargo_test(extra, None)?;
    let Some(bin) = Cluster::binaries() else {
        let message = "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install \
                       them (Debian: apt-get install postgresql) or set PRESENCE_PG_BIN";
        if std::env::var("PRESENCE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
            bail!("{message}");
        }
        eprintln!("== tests on PostgreSQL: SKIPPED. {message}");
        return Ok(());
    };
    eprintln!("== tests on PostgreSQL ({})", bin.display());
    // Many servers run at once (each test starts its own, each with a pool).
    let cluster = Cluster::start(&bin, &["max_connections=300"])?;
    cargo_test(extra, Some(&cluster.admin_url()))
}

/// Ctrl-C reaches `cargo test` (the terminal's whole foreground group) and ends it; this
/// process must survive it, so that the cluster is stopped and deleted on the way out rather
/// than left running.
fn outlive_ctrl_c() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start a runtime for the Ctrl-C handler")?;
    std::thread::spawn(move || {
        runtime.block_on(async {
            while tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("interrupted: stopping the tests, then the cluster");
            }
        });
    });
    Ok(())
}

fn cargo_test(extra: &[String], postgres: Option<&str>) -> anyhow::Result<()> {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["test", "--workspace"])
        .args(extra)
        .current_dir(crate::codegen::workspace_root());
    match postgres {
        Some(url) => command.env(POSTGRES_ENV, url),
        None => command.env_remove(POSTGRES_ENV),
    };
    let status = command.status().context("cannot run cargo test")?;
    if !status.success() {
        bail!(
            "tests failed on {}",
            if postgres.is_some() {
                "PostgreSQL"
            } else {
                "SQLite"
            }
        );
    }
    Ok(())
}
