//! `cargo xtask test`: the whole test suite, once per storage backend.
//!
//! 0. `cargo xtask dist` (with the image when podman is there): what users install;
//! 1. `cargo test --workspace` as is: every server the tests start uses SQLite, and the
//!    artifacts of step 0 are tested as installed (`PRESENCE_DIST`);
//! 2. The same command again with `PRESENCE_TEST_POSTGRES` pointing at a throwaway PostgreSQL
//!    cluster ([`crate::postgres::Cluster`]): every server gets a fresh database on it, and
//!    the tests that need two instances on one database run for real.
//!
//! Without PostgreSQL's server binaries the second pass is skipped with a warning, or fails
//! when `PRESENCE_REQUIRE_POSTGRES=1` (CI sets it).
//!
//! Both passes run with `--no-fail-fast` (a failing test binary does not hide the tests of
//! the binaries after it), the second whatever the first gave, and one summary at the end
//! names every failed test of both.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};

use crate::postgres::Cluster;

/// The variable the test harness reads (`presence_test_support::POSTGRES_ENV`).
const POSTGRES_ENV: &str = "PRESENCE_TEST_POSTGRES";

/// Runs both passes; fails if either fails.
pub fn run(extra: &[String]) -> anyhow::Result<()> {
    outlive_ctrl_c()?;
    // What users install, built first and tested as installed in the SQLite pass (the
    // artifacts do not depend on the backend). Without podman the image is left out, and its
    // test says why it fails.
    eprintln!("== artifacts (cargo xtask dist)");
    // A failed artifact build fails the run, but after the tests: they still run, and the
    // artifacts' own tests say what is missing.
    let artifacts = crate::dist::run(crate::dist::podman());
    if let Err(error) = &artifacts {
        eprintln!("== artifacts: FAILED: {error:#}");
    }
    eprintln!("== tests on SQLite");
    let mut passes = vec![("SQLite", cargo_test(extra, None, true)?)];
    match Cluster::binaries() {
        None => {
            let message = "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install \
                           them (Debian: apt-get install postgresql) or set PRESENCE_PG_BIN";
            if std::env::var("PRESENCE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                summarise(&passes);
                bail!("{message}");
            }
            eprintln!("== tests on PostgreSQL: SKIPPED. {message}");
        }
        Some(bin) => {
            eprintln!("== tests on PostgreSQL ({})", bin.display());
            // Many servers run at once (each test starts its own, each with a pool).
            let cluster = Cluster::start(&bin, &["max_connections=300"])?;
            passes.push((
                "PostgreSQL",
                cargo_test(extra, Some(&cluster.admin_url()), false)?,
            ));
        }
    }
    summarise(&passes);
    if let Err(error) = artifacts {
        bail!("the artifacts could not be built: {error:#}");
    }
    let failed: Vec<&str> = passes
        .iter()
        .filter(|(_, pass)| !pass.succeeded)
        .map(|(name, _)| *name)
        .collect();
    if !failed.is_empty() {
        bail!("tests failed on {}", failed.join(" and "));
    }
    Ok(())
}

/// What one `cargo test` run gave.
struct Pass {
    succeeded: bool,
    /// `test NAME ... FAILED` lines, and cargo's lines naming a binary that failed.
    failures: Vec<String>,
}

/// One summary of both passes, after everything else they printed.
fn summarise(passes: &[(&str, Pass)]) {
    eprintln!("== summary");
    for (name, pass) in passes {
        if pass.succeeded {
            eprintln!("{name}: every test passed");
        } else if pass.failures.is_empty() {
            eprintln!("{name}: FAILED (see above: no test failed, so the build or a harness did)");
        } else {
            eprintln!("{name}: FAILED");
            for failure in &pass.failures {
                eprintln!("  {failure}");
            }
        }
    }
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

/// `cargo` as the developer would run it: without what `cargo run` set for this process
/// (`CARGO_MANIFEST_DIR` and the package's variables), which build scripts watch (ring
/// does): inherited, they made every `cargo xtask test` rebuild 37 crates, and the next
/// plain `cargo test` rebuild them again.
pub fn cargo() -> Command {
    let mut command = Command::new(env!("CARGO"));
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        if name == "CARGO_MANIFEST_DIR"
            || name == "CARGO_MANIFEST_PATH"
            || name == "CARGO_PRIMARY_PACKAGE"
            || name == "CARGO_CRATE_NAME"
            || name == "CARGO_BIN_NAME"
            || name.starts_with("CARGO_PKG_")
        {
            command.env_remove(name);
        }
    }
    command
}

/// `cargo test --workspace`, on PostgreSQL when `postgres` names a cluster, testing the
/// artifacts of `target/dist` when `artifacts`.
fn cargo_test(extra: &[String], postgres: Option<&str>, artifacts: bool) -> anyhow::Result<Pass> {
    let mut command = cargo();
    command
        .args(["test", "--workspace", "--no-fail-fast", "--"])
        // The test harness's own arguments: any number of name filters, `--nocapture`, ...
        .args(extra)
        .current_dir(crate::codegen::workspace_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match postgres {
        Some(url) => command.env(POSTGRES_ENV, url),
        None => command.env_remove(POSTGRES_ENV),
    };
    match artifacts {
        true => command.env("PRESENCE_DIST", crate::dist::dist_dir()),
        false => command.env_remove("PRESENCE_DIST"),
    };
    let mut child = command.spawn().context("cannot run cargo test")?;
    let failures = Arc::new(Mutex::new(Vec::new()));
    // Each stream is passed on as it comes, and its failures noted.
    let relays: Vec<_> = [
        child
            .stdout
            .take()
            .map(|out| Box::new(out) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|err| Box::new(err) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    .enumerate()
    .map(|(index, stream)| {
        let failures = failures.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if index == 0 {
                    let _ = writeln!(std::io::stdout(), "{line}");
                } else {
                    let _ = writeln!(std::io::stderr(), "{line}");
                }
                let failed = (line.starts_with("test ") && line.ends_with(" FAILED"))
                    || line.contains("to rerun pass");
                if failed && let Ok(mut failures) = failures.lock() {
                    failures.push(line.trim().to_owned());
                }
            }
        })
    })
    .collect();
    let status = child.wait().context("cannot wait for cargo test")?;
    for relay in relays {
        let _ = relay.join();
    }
    let failures = failures.lock().map(|f| f.clone()).unwrap_or_default();
    Ok(Pass {
        succeeded: status.success(),
        failures,
    })
}
