//! `token`: a development token signed with the server's secret.

use presence_model::token::PRESENCE_ADMIN;

use crate::cli::TokenArgs;
use crate::failure::Failure;
use crate::token::{TokenRequest, mint, secret_from_data_dir};

/// `server_data_dir`: the global `--server-data-dir`, used unless the command's own
/// `--data-dir` is given.
pub fn run(args: &TokenArgs, server_data_dir: &std::path::Path) -> Result<(), Failure> {
    let secret = match &args.secret {
        Some(secret) => secret.clone(),
        None => secret_from_data_dir(args.data_dir.as_deref().unwrap_or(server_data_dir))?,
    };
    let delegated = args.user.is_some();
    let request = TokenRequest {
        tenant: args.tenant.clone(),
        app_id: args.app_id.clone(),
        user: args.user.clone(),
        permissions: if delegated {
            args.scopes.clone()
        } else {
            let mut roles = args.roles.clone();
            if args.admin && !roles.iter().any(|r| r == PRESENCE_ADMIN) {
                roles.push(PRESENCE_ADMIN.to_owned());
            }
            roles
        },
        lifetime: args.lifetime,
        audience: args.audience.clone(),
        issuer: args.issuer.clone(),
    };
    println!("{}", mint(&request, &secret, jiff::Timestamp::now())?);
    Ok(())
}
