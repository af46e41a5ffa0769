//! `presencectl alive`: the container image's health check. `/livez` is the operator's route,
//! outside the API description, so this asks it with a plain HTTP client rather than the
//! generated one.

use std::time::Duration;

use crate::cli::Cli;
use crate::failure::Failure;

pub async fn run(cli: &Cli) -> Result<(), Failure> {
    let url = cli.url.trim_end_matches('/');
    let mut tried = vec![url.to_owned()];
    if let Some(rest) = url.strip_prefix("http://") {
        tried.push(format!("https://{rest}"));
    }
    let ca = cli
        .ca_cert
        .clone()
        .unwrap_or_else(|| cli.server_data_dir.join("tls").join("ca.pem"));
    // Only ever this server: its local CA, or nothing (a minimal image has no system roots,
    // and loading them would fail).
    let certificate = std::fs::read(&ca)
        .ok()
        .and_then(|pem| reqwest::Certificate::from_pem(&pem).ok());
    let builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .tls_certs_only(certificate);
    presence_client::install_crypto_provider();
    let http = builder
        .build()
        .map_err(|e| Failure::usage(format!("cannot build the HTTP client: {e}")))?;
    let mut last = String::new();
    for base in &tried {
        match http.get(format!("{base}/livez")).send().await {
            Ok(answer) if answer.status().is_success() => return Ok(()),
            Ok(answer) => last = format!("{base}/livez answered {}", answer.status()),
            Err(error) => last = format!("{base}/livez: {error}"),
        }
    }
    Err(Failure::usage(format!("not alive: {last}")))
}
