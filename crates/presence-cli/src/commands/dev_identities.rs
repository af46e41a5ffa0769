//! `presencectl dev-identities`: the well-known development identities every server has
//! (unless `--no-default-identities`), with where to reach the server: what an app, a CI file
//! or a container set-up is configured with. Needs no server: the values are published.

use presence_model::dev_identities::{
    CLIENT_ID, CLIENT_SECRET, PUBLIC_CLIENT_ID, TENANT_ID, USERS,
};
use serde_json::json;

use crate::cli::{Cli, OutputFormat};
use crate::output;

/// Prints the identities, as JSON when `json` (or `-o json`), else as a table.
pub fn run(cli: &Cli, json: bool, format: OutputFormat) {
    let authority_host = cli.url.trim_end_matches('/').to_owned();
    let graph_url = format!("{authority_host}/v1.0");
    let ca_path = ca_path(cli);
    if json || format == OutputFormat::Json {
        let users: Vec<_> = USERS
            .iter()
            .map(|user| {
                json!({
                    "id": user.id,
                    "userPrincipalName": user.user_principal_name,
                    "password": user.password,
                })
            })
            .collect();
        let document = json!({
            "tenantId": TENANT_ID,
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            "publicClientId": PUBLIC_CLIENT_ID,
            "users": users,
            "authorityHost": authority_host,
            "graphUrl": graph_url,
            "caPath": ca_path,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
        return;
    }
    let mut rows = vec![
        ["tenantId".to_owned(), TENANT_ID.to_owned()],
        ["clientId".to_owned(), CLIENT_ID.to_owned()],
        ["clientSecret".to_owned(), CLIENT_SECRET.to_owned()],
        ["publicClientId".to_owned(), PUBLIC_CLIENT_ID.to_owned()],
    ];
    for user in USERS {
        rows.push([
            "user".to_owned(),
            format!(
                "{} {} (password {})",
                user.id, user.user_principal_name, user.password
            ),
        ]);
    }
    rows.push(["authorityHost".to_owned(), authority_host]);
    rows.push(["graphUrl".to_owned(), graph_url]);
    rows.push([
        "caPath".to_owned(),
        ca_path.unwrap_or_else(|| {
            "(none: the server is not --tls, or its data directory is elsewhere)".to_owned()
        }),
    ]);
    output::rows(["FIELD", "VALUE"], rows);
}

/// The CA to trust, as an absolute path: `--ca-cert`, else the local CA of the server's data
/// directory when there is one and the URL is `https`.
fn ca_path(cli: &Cli) -> Option<String> {
    let path = match &cli.ca_cert {
        Some(path) => path.clone(),
        None if cli.url.starts_with("https://") => cli.server_data_dir.join("tls").join("ca.pem"),
        None => return None,
    };
    let path = std::path::absolute(&path).unwrap_or(path);
    path.exists().then(|| path.display().to_string())
}
