//! `presencectl`: the presence server from the command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use presence_cli::token::{self, DEFAULT_APP_ID, DEFAULT_TENANT, TokenRequest};

/// Command-line client of the presence server (the Microsoft Graph presence API).
#[derive(Parser)]
#[command(name = "presencectl", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Mint a development access token signed with the server's secret.
    Token(TokenArgs),
}

#[derive(clap::Args)]
struct TokenArgs {
    /// Signed-in user (object id): makes a delegated token. Without it: an application token.
    #[arg(long)]
    user: Option<String>,
    /// Application roles (application token).
    #[arg(long, value_delimiter = ',', default_value = "Presence.ReadWrite.All")]
    roles: Vec<String>,
    /// Delegated scopes (with --user).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "Presence.ReadWrite,Presence.Read.All"
    )]
    scopes: Vec<String>,
    /// Application (client) id: the token's `appid`, and so the caller's sessionId.
    #[arg(long, default_value = DEFAULT_APP_ID)]
    app_id: String,
    /// Tenant id (`tid`).
    #[arg(long, default_value = DEFAULT_TENANT)]
    tenant: String,
    /// Lifetime, e.g. 1h, 90m, PT8H.
    #[arg(long = "for", default_value = "1h", value_parser = presence_cli::duration::parse)]
    lifetime: jiff::SignedDuration,
    /// Audience claim (`aud`), for a server started with --audience.
    #[arg(long)]
    audience: Option<String>,
    /// Issuer claim (`iss`), for a server started with --issuer.
    #[arg(long)]
    issuer: Option<String>,
    /// The HS256 secret. Default: the one the server keeps in its data directory.
    #[arg(long, env = "PRESENCE_JWT_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// The server's data directory (where it keeps `jwt-secret`).
    #[arg(long, env = "PRESENCE_DATA_DIR", default_value = "presence-data")]
    data_dir: PathBuf,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Token(args) => {
            let secret = match args.secret {
                Some(secret) => secret,
                None => token::secret_from_data_dir(&args.data_dir)?,
            };
            let delegated = args.user.is_some();
            let request = TokenRequest {
                tenant: args.tenant,
                app_id: args.app_id,
                user: args.user,
                permissions: if delegated { args.scopes } else { args.roles },
                lifetime: args.lifetime,
                audience: args.audience,
                issuer: args.issuer,
            };
            println!(
                "{}",
                token::mint(&request, &secret, jiff::Timestamp::now())?
            );
            Ok(())
        }
    }
}
