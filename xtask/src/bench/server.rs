//! The server under test: a release build, started and measured as a process.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The HS256 secret the benchmark starts servers with (and signs its token with).
pub const SECRET: &str = "benchmark-secret-0123456789abcdef";

/// Builds the release binary and returns its path.
pub fn build_release() -> anyhow::Result<PathBuf> {
    eprintln!("== building presence-server (release)");
    let status = crate::test::cargo()
        .args([
            "build",
            "--release",
            "--package",
            "presence-server",
            "--bin",
            "presence-server",
        ])
        .current_dir(crate::codegen::workspace_root())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("the release build failed");
    }
    Ok(crate::codegen::workspace_root().join("target/release/presence-server"))
}

/// A running server process.
pub struct Running {
    child: Child,
    pub origin: String,
    /// From spawning the process to its "listening" log line.
    pub startup: Duration,
    /// Set when the server logs that users' state is in memory.
    warmed: tokio::sync::watch::Receiver<Option<Duration>>,
}

/// What the store (either backend) logs once it has read users' state into memory after a start.
const WARMED: &str = "users' state read into memory";

impl Running {
    /// Starts `binary` with JWT auth on the benchmark secret, on the database in `data_dir`
    /// or, when given, on `database_url`.
    pub async fn start(
        binary: &Path,
        data_dir: &Path,
        database_url: Option<&str>,
    ) -> anyhow::Result<Self> {
        Self::start_with(binary, data_dir, database_url, &[]).await
    }

    /// As [`Running::start`], with extra arguments.
    pub async fn start_with(
        binary: &Path,
        data_dir: &Path,
        database_url: Option<&str>,
        extra: &[&str],
    ) -> anyhow::Result<Self> {
        let started = Instant::now();
        let mut command = Command::new(binary);
        command
            .args([
                "--listen",
                "127.0.0.1:0",
                "--jwt-secret",
                SECRET,
                "--data-dir",
            ])
            .arg(data_dir);
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        command.args(extra);
        let mut child = command
            .env(
                "PRESENCE_LOG",
                "warn,presence_server::app=info,presence_server::store::sqlite=info,\
                 presence_server::store::warm=info",
            )
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start the server")?;
        let stderr = child.stderr.take().context("stderr is piped")?;
        let mut lines = BufReader::new(stderr).lines();
        // Users' state may be in memory before the server listens (a small database).
        let mut warmed_early = None;
        let origin = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(line) = lines.next_line().await? {
                if line.contains(WARMED) {
                    warmed_early = Some(started.elapsed());
                }
                if let Some(at) = line.find("listening on http://") {
                    let url = &line[at + "listening on ".len()..];
                    return Ok(url.split_whitespace().next().map(str::to_owned));
                }
            }
            Ok::<_, std::io::Error>(None)
        })
        .await
        .context("the server did not start in time")??
        .context("the server exited before listening")?;
        let startup = started.elapsed();
        let (warmed_tx, warmed) = tokio::sync::watch::channel(warmed_early);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains(WARMED) {
                    let _ = warmed_tx.send(Some(started.elapsed()));
                }
            }
        });
        Ok(Self {
            child,
            origin,
            startup,
            warmed,
        })
    }

    /// From spawning the process to its log line saying users' state is in memory (either
    /// backend), waiting up to `limit` for it.
    pub async fn warmed(&self, limit: Duration) -> Option<Duration> {
        let mut warmed = self.warmed.clone();
        tokio::time::timeout(limit, warmed.wait_for(Option::is_some))
            .await
            .ok()
            .and_then(Result::ok)
            .and_then(|at| *at)
    }

    /// Peak resident memory so far (VmHWM), in bytes.
    pub fn peak_memory(&self) -> anyhow::Result<u64> {
        let pid = self.child.id().context("the server has exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM in /proc status")?;
        Ok(kib * 1024)
    }

    /// CPU time the process has used so far (user + system), in seconds.
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        let pid = self.child.id().context("the server has exited")?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        // Fields after the command name (which may hold spaces, inside parentheses).
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the line: 11 and 12 counting from the
        // state (field 3) after the name.
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // The kernel's USER_HZ is 100 on every Linux this runs on.
        Ok((ticks(11) + ticks(12)) / 100.0)
    }

    /// Stops the server gracefully (SIGTERM) and waits for it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()?;
        }
        tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .context("the server did not stop")??;
        Ok(())
    }
}

/// Size of the database file and its WAL, in bytes.
pub fn database_size(data_dir: &Path) -> u64 {
    ["presence.db", "presence.db-wal"]
        .iter()
        .filter_map(|name| std::fs::metadata(data_dir.join(name)).ok())
        .map(|meta| meta.len())
        .sum()
}
