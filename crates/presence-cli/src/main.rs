//! `presencectl`: the presence server from the command line.

use std::process::ExitCode;

use clap::Parser;
use presence_cli::cli::Cli;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    presence_client::install_crypto_provider();
    let cli = Cli::parse();
    match presence_cli::commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    }
}
