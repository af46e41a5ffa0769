//! `presence-server`: parse the configuration, set up logging, serve until SIGINT/SIGTERM.

use clap::Parser;
use presence_server::Config;
use tracing_subscriber::EnvFilter;

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
