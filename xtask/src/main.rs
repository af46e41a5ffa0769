//! `cargo xtask`: the developer tasks of this workspace, in Rust so they run wherever cargo does.
//!
//! - `cargo xtask gen`: write `openapi/presence.json` from the server's annotations and
//!   regenerate the client crate's code from it;
//! - `cargo xtask gen --check`: fail, naming the file, when either committed file is stale.
//!   (The test suite runs the same check: see `tests/generated_files_are_fresh.rs`.)
//! - `cargo xtask test`: the whole test suite on SQLite, then on a throwaway PostgreSQL
//!   cluster (see `test`);
//! - `cargo xtask dist [--image]`: what users install (see `dist`);
//! - `cargo xtask bench`: the load benchmark (see `bench`).

use clap::{Parser, Subcommand};

/// Developer tasks for the presence workspace.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the OpenAPI document and the client from the server's annotations.
    Gen {
        /// Change nothing; exit non-zero if a committed file differs from what gen would write.
        #[arg(long)]
        check: bool,
    },
    /// What users install, from one release build: the binaries, the wheel and the npm
    /// tarball in target/dist/, and with --image the container image (podman).
    Dist {
        /// Also build the container image `localhost/presence:VERSION`.
        #[arg(long)]
        image: bool,
    },
    /// The whole test suite, on SQLite and then on a throwaway PostgreSQL cluster.
    Test {
        /// Passed on to `cargo test` (after `--`: test name filters, `--nocapture`, ...).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Load benchmark of a release build: throughput and latency per scenario, as ratios to a
    /// trivial route, on an almost empty and on a 1M-session database.
    Bench(xtask::bench::BenchArgs),
}

fn main() -> anyhow::Result<()> {
    // Whatever builds a rustls configuration in this process must find the workspace's one
    // crypto provider (ring) installed first.
    presence_server::tls::install_crypto_provider();
    match Cli::parse().task {
        Task::Gen { check: false } => {
            for file in xtask::codegen::write()? {
                println!("wrote {file}");
            }
            Ok(())
        }
        Task::Bench(args) => xtask::bench::run(&args),
        Task::Dist { image } => xtask::dist::run(image),
        Task::Test { args } => xtask::test::run(&args),
        Task::Gen { check: true } => {
            let stale = xtask::codegen::stale()?;
            if stale.is_empty() {
                println!("openapi/presence.json and the generated client are up to date");
                Ok(())
            } else {
                anyhow::bail!(
                    "stale generated files: {}; run `cargo xtask gen` and commit the result",
                    stale.join(", ")
                )
            }
        }
    }
}
