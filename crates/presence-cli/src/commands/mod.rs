//! One function per subcommand; each uses only the generated client.

mod admin;
mod alive;
mod dev_identities;
mod faults;
mod identities;
mod journal;
mod location;
mod outlook_teams;
mod read;
mod status;
mod token;
mod watch;
mod write;

use crate::cli::{Cli, Command};
use crate::connection::Connection;
use crate::failure::Failure;
use crate::output;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let format = output::format(cli.output);
    if let Command::Token(args) = &cli.command {
        return token::run(args, &cli.server_data_dir);
    }
    if let Command::Alive = &cli.command {
        return alive::run(&cli).await;
    }
    if let Command::DevIdentities { json } = &cli.command {
        dev_identities::run(&cli, *json, format);
        return Ok(());
    }
    if let Command::Completions { shell } = &cli.command {
        let mut command = <Cli as clap::CommandFactory>::command();
        clap_complete::generate(*shell, &mut command, "presencectl", &mut std::io::stdout());
        return Ok(());
    }
    let connection = Connection::new(&cli)?;
    match cli.command {
        Command::Get { users } => read::get(&connection, &users, format).await,
        Command::Batch { users } => read::batch(&connection, users, format).await,
        Command::Set(args) => write::set(&connection, args).await,
        Command::Clear { user, session } => write::clear(&connection, &user, session).await,
        Command::Prefer(args) => write::prefer(&connection, args).await,
        Command::Unprefer { user } => write::unprefer(&connection, &user).await,
        Command::Status(command) => status::run(&connection, command).await,
        Command::Location(command) => location::run(&connection, command).await,
        Command::Watch(args) => watch::run(&connection, args, format).await,
        Command::Admin(command) => admin::run(&connection, command, format).await,
        Command::Apps(command) => identities::apps(&connection, command, format).await,
        Command::Users(command) => identities::users(&connection, command, format).await,
        Command::Token(_)
        | Command::Completions { .. }
        | Command::DevIdentities { .. }
        | Command::Alive => Ok(()),
    }
}
