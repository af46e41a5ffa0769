//! A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary
//! directory, `pg_ctl start` on a free loopback port, `pg_ctl stop` and delete on drop. No
//! system service, no state outside the directory.
//!
//! The server binaries are found through `PRESENCE_PG_BIN` (a directory), `pg_config
//! --bindir`, or Debian's `/usr/lib/postgresql/<version>/bin` (the newest). PostgreSQL
//! refuses to run as root; as root, the cluster runs as the `postgres` user that Debian's
//! package creates.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// A running cluster; stopped and deleted when dropped.
pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl Cluster {
    /// The directory holding `initdb` and `pg_ctl`, if PostgreSQL's server is installed.
    pub fn binaries() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("PRESENCE_PG_BIN") {
            return Some(PathBuf::from(dir));
        }
        let from_pg_config = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        let debian = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                versions
                    .filter_map(Result::ok)
                    .filter_map(|entry| {
                        let version: u32 = entry.file_name().to_str()?.parse().ok()?;
                        Some((version, entry.path().join("bin")))
                    })
                    .max()
                    .map(|(_, bin)| bin)
            });
        [from_pg_config, debian]
            .into_iter()
            .flatten()
            .find(|bin| bin.join("initdb").exists())
    }

    /// Creates and starts a cluster. `settings` are extra `-c name=value` server settings.
    pub fn start(bin: &Path, settings: &[&str]) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("presence-pg-")
            .tempdir()
            .context("cannot create a directory for the cluster")?;
        if running_as_root() {
            run(Command::new("chown").arg("postgres:").arg(dir.path()))
                .context("cannot hand the cluster directory to the postgres user")?;
        }
        let data = dir.path().join("data");
        run(as_postgres(&bin.join("initdb"))
            .arg("--pgdata")
            .arg(&data)
            .args([
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
            ])
            .args(["--no-instructions", "--no-sync"]))
        .context("initdb failed")?;
        let port = free_port()?;
        let mut options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={}",
            dir.path().display()
        );
        for setting in settings {
            options.push_str(" -c ");
            options.push_str(setting);
        }
        run(as_postgres(&bin.join("pg_ctl"))
            .arg("--pgdata")
            .arg(&data)
            .arg("--log")
            .arg(dir.path().join("server.log"))
            .args(["--options", &options, "--wait", "start"]))
        .context("pg_ctl start failed")?;
        Ok(Self {
            dir,
            bin: bin.to_owned(),
            port,
        })
    }

    /// URL of the maintenance database, as the superuser.
    pub fn admin_url(&self) -> String {
        self.url("postgres")
    }

    /// URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates database `name`.
    pub fn create_database(&self, name: &str) -> anyhow::Result<()> {
        run(as_postgres(&self.bin.join("createdb"))
            .args(["--host", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--username", "postgres", name]))
        .with_context(|| format!("cannot create database {name}"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let stopped = as_postgres(&self.bin.join("pg_ctl"))
            .arg("--pgdata")
            .arg(self.dir.path().join("data"))
            .args(["--mode", "fast", "--wait", "stop"])
            .output();
        if !stopped.is_ok_and(|out| out.status.success()) {
            eprintln!("warning: the throwaway PostgreSQL cluster did not stop cleanly");
        }
    }
}

/// Asked once (`id -u`): every cluster command needs the answer.
fn running_as_root() -> bool {
    static ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
    })
}

/// `program`, run as the `postgres` user when we are root.
fn as_postgres(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free loopback port")?;
    Ok(listener.local_addr()?.port())
}
