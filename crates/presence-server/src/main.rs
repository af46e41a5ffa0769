//! `presence-server`: parse the configuration, set up logging, serve until SIGINT/SIGTERM.

use clap::Parser;
use presence_server::Config;
use presence_server::config::LogFormat;
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
    let config = Config::parse();
    logging(config.log_format);
    presence_server::tls::install_crypto_provider();
    presence_server::serve(config).await
}

/// Log lines on standard error, as `--log-format` says: colour codes only on a terminal and
/// never with `NO_COLOR` set (<https://no-color.org>), so a log collector or a file gets
/// plain text.
fn logging(format: LogFormat) {
    use std::io::IsTerminal;
    let filter = EnvFilter::try_from_env("PRESENCE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LossyStderr)
        // A log line that cannot be written is lost, never reported: the report itself
        // (`eprintln!`) would panic on a closed pipe, in whatever task was logging.
        .log_internal_errors(false);
    match format {
        LogFormat::Text => builder.with_ansi(colour).init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
}

/// Standard error, where a failed write (the reader of the log has gone: a closed pipe) is
/// dropped rather than returned. A server whose log reader went away must still stop on
/// SIGTERM: its last log lines are lost, nothing else.
struct LossyStderr;

impl std::io::Write for LossyStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}
