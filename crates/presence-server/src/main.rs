//! `presence-server`: parse the configuration, set up logging, serve until SIGINT/SIGTERM.

use clap::Parser;
use presence_server::Config;
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc's allocator: a request allocates and frees many small values on
/// two threads at once, where glibc's arenas spent about 17 % of a write's CPU in
/// `malloc`/`free`/`malloc_consolidate` (profiled with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    // No transparent huge pages: mimalloc asks for them on its arena (where the kernel's
    // setting is `madvise`), and then every 2 MiB page touched counts whole in the resident
    // size: +30 MiB at start, measured, for no speed that the benchmark can see. Before the
    // runtime starts, so that no memory is touched yet. Linux only; elsewhere, or if refused,
    // nothing changes.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    actix_web::rt::System::new().block_on(serve())
}

async fn serve() -> anyhow::Result<()> {
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
