//! wrk, the load generator of the closed-loop scenarios: `wrk -s xtask/bench/scenario.lua`
//! with the scenario chosen by environment variables, its figures read from the JSON line the
//! script's `done` prints. wrk is a Debian package; it is installed when missing.
//!
//! Why wrk and not our own client: a reqwest generator topped out near 9,000 req/s on this
//! machine, far below what the server answers, so its ratios measured the generator. Each run
//! proves wrk-with-the-script is not the bottleneck either: the Lua-generated `GET /livez`
//! must be within 15 % of plain `wrk` on the same endpoint in the same run.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};

/// Threads and connections, as the reference measurement used.
pub const THREADS: usize = 2;

/// One wrk run's figures.
#[derive(Debug, Clone, Default)]
pub struct WrkRun {
    pub requests: u64,
    pub seconds: f64,
    /// Answers with a status of 400 or more, plus socket errors (connect, read, write, timeout).
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    /// Each wrk thread's counter: the ids set_new created, the sessions clear cleared.
    pub counters: Vec<u64>,
}

impl WrkRun {
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.seconds.max(1e-9)
    }
}

/// Makes sure `wrk` is on the PATH, installing Debian's package when it is not.
pub fn ensure_installed() -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    eprintln!("== wrk not found: installing Debian's package");
    let install = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !install(&["install", "-y", "--no-install-recommends", "wrk"]) {
        let _ = install(&["update"]);
        install(&["install", "-y", "--no-install-recommends", "wrk"]);
    }
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!(
            "wrk is not installed and `apt-get install wrk` failed (it needs root and Debian's \
             package index): install wrk and run again"
        );
    }
    Ok(())
}

fn script() -> PathBuf {
    crate::codegen::workspace_root().join("xtask/bench/scenario.lua")
}

/// The scenario's environment, for `scenario.lua`.
pub struct Scenario<'a> {
    pub name: &'a str,
    pub token: &'a str,
    pub users: u32,
    pub app: &'a str,
    /// Made unique per instance by `drive`, so that instances never create the same ids.
    pub run: &'a str,
    /// Where each thread's counter of new ids starts (empty: at 0).
    pub from: &'a [u64],
    /// Paced mode: mean milliseconds between an answer and a connection's next request.
    pub delay_ms: Option<f64>,
}

/// Runs wrk with the scenario script against `origin` for `duration`.
pub async fn run(
    origin: &str,
    scenario: &Scenario<'_>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<WrkRun> {
    let output = tokio::process::Command::new("wrk")
        .arg(format!("-t{THREADS}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(script())
        .arg(origin)
        .env("BENCH_SCENARIO", scenario.name)
        .env("BENCH_TOKEN", scenario.token)
        .env("BENCH_USERS", scenario.users.to_string())
        .env("BENCH_APP", scenario.app)
        .env("BENCH_RUN", scenario.run)
        .env(
            "BENCH_FROM",
            scenario
                .from
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(","),
        )
        .env(
            "BENCH_DELAY_MS",
            scenario
                .delay_ms
                .map_or_else(|| "0".to_owned(), |ms| format!("{ms:.3}")),
        )
        .output()
        .await
        .context("cannot run wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse(&stdout)
}

/// Plain `wrk -t2 -cN` on a URL, no script: the reference the cross-check compares with.
pub async fn plain(url: &str, connections: usize, duration: Duration) -> anyhow::Result<f64> {
    let output = tokio::process::Command::new("wrk")
        .arg(format!("-t{THREADS}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg(url)
        .output()
        .await
        .context("cannot run wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("Requests/sec:"))
        .and_then(|rate| rate.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk's output: {stdout}"))
}

#[derive(serde::Deserialize)]
struct Done {
    requests: u64,
    duration_us: u64,
    status_errors: u64,
    socket_errors: u64,
    p50_us: u64,
    p99_us: u64,
    p999_us: u64,
    counters: String,
}

fn parse(stdout: &str) -> anyhow::Result<WrkRun> {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("BENCH "))
        .with_context(|| format!("no BENCH line in wrk's output: {stdout}"))?;
    let done: Done = serde_json::from_str(line).context("the BENCH line is not JSON")?;
    Ok(WrkRun {
        requests: done.requests,
        seconds: done.duration_us as f64 / 1e6,
        errors: done.status_errors + done.socket_errors,
        p50_ms: done.p50_us as f64 / 1000.0,
        p99_ms: done.p99_us as f64 / 1000.0,
        p999_ms: done.p999_us as f64 / 1000.0,
        counters: done
            .counters
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_summary_line_is_read() {
        let out = "Running 1s test\n  2 threads\n\nBENCH {\"requests\":2373,\"duration_us\":2000000,\
                   \"status_errors\":1,\"socket_errors\":2,\"p50_us\":5982,\"p99_us\":16872,\
                   \"p999_us\":22375,\"counters\":\"1192,1190\"}\n";
        let run = parse(out).expect("parsed");
        assert_eq!(run.requests, 2373);
        assert_eq!(run.errors, 3);
        assert!((run.throughput() - 1186.5).abs() < 0.01);
        assert_eq!(run.counters, vec![1192, 1190]);
        assert!((run.p99_ms - 16.872).abs() < 1e-9);
    }
}
