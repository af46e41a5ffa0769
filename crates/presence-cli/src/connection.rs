//! The generated client, configured from the global options.

use presence_client::Client;
use presence_model::token::AccessTokenClaims;

use crate::cli::Cli;
use crate::failure::Failure;

/// A client for the server and API version asked for, sending the token if one was given.
pub struct Connection {
    pub client: Client,
    /// The same server at its root, for the control plane (`/admin` is not versioned).
    pub admin: Client,
    token: Option<String>,
}

/// The CA to trust besides the system's: `--ca-cert`, else the local CA of the server's data
/// directory when it exists (`presence-server --tls` writes it there).
fn trusted_ca(cli: &Cli) -> Result<Option<Vec<u8>>, Failure> {
    if let Some(path) = &cli.ca_cert {
        return std::fs::read(path)
            .map(Some)
            .map_err(|e| Failure::usage(format!("--ca-cert {}: {e}", path.display())));
    }
    let local = cli.server_data_dir.join("tls").join("ca.pem");
    Ok(std::fs::read(local).ok())
}

impl Connection {
    pub fn new(cli: &Cli) -> Result<Self, Failure> {
        let base = format!(
            "{}/{}",
            cli.url.trim_end_matches('/'),
            cli.api_version.path()
        );
        let ca = trusted_ca(cli)?;
        let client = |base: &str| {
            presence_client::connect(base, cli.token.as_deref(), ca.as_deref())
                .map_err(|e| Failure::usage(format!("cannot connect: {e}")))
        };
        Ok(Self {
            client: client(&base)?,
            admin: client(cli.url.trim_end_matches('/'))?,
            token: cli.token.clone(),
        })
    }

    /// The user id for a USER argument: `me` is the signed-in user of the token (its `oid`,
    /// which is what the server's `/me` resolves to).
    pub fn user(&self, user: &str) -> Result<String, Failure> {
        if !user.eq_ignore_ascii_case("me") {
            return Ok(user.to_owned());
        }
        let token = self
            .token
            .as_deref()
            .ok_or_else(|| Failure::usage("`me` needs a delegated --token"))?;
        let claims = jsonwebtoken::dangerous::insecure_decode::<AccessTokenClaims>(token.trim())
            .map_err(|_| Failure::usage("--token is not a JWT"))?
            .claims;
        claims
            .oid
            .ok_or_else(|| Failure::usage("`me` needs a delegated token (one with a user, oid)"))
    }
}
