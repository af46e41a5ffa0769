//! `presence-server`: parse the configuration, set up logging, serve until SIGINT/SIGTERM.

use clap::Parser;
use presence_server::Config;
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc's allocator: a request allocates and frees many small values on
/// two threads at once, where glibc's arenas spent about 17 % of a write's CPU in
/// `malloc`/`free`/`malloc_consolidate` (profiled with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("PRESENCE_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    presence_server::tls::install_crypto_provider();
    let config = Config::parse();
    presence_server::serve(config).await
}
