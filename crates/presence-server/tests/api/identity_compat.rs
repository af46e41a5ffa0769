//! The official credential libraries get tokens from the server's own authority, over HTTPS,
//! configured as a real app would be (authority host, tenant, client id and secret or
//! certificate, the CA trusted through environment variables only), and the official Graph
//! SDK uses them unchanged: compat/python/identity_compat.py (azure-identity's
//! `ClientSecretCredential`, `CertificateCredential`, `UsernamePasswordCredential`, MSAL's
//! `ConfidentialClientApplication`) and compat/js/identity_compat.mjs (`@azure/identity`'s
//! `ClientSecretCredential` with the Graph JavaScript client's
//! `TokenCredentialAuthenticationProvider`).

use tokio::process::Command;

use presence_test_support::TestServer;

use crate::authority::{
    ALICE, ALICE_UPN, CERT_CLIENT, CLIENT, PASSWORD, PUBLIC_CLIENT, SECRET, TENANT, certificate,
    identities,
};
use crate::node;
use crate::python::{self, workspace_root};

/// A loopback address no other test listens on.
const ADDRESS: &str = "127.0.44.3";

#[tokio::test]
async fn azure_identity_and_msal_get_tokens_the_graph_sdk_uses() {
    let python = match std::env::var_os("PRESENCE_SDK_PYTHON") {
        Some(python) => python.into(),
        None => python::venv("compat/python/requirements.txt", "graph-sdk-venv").await,
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, key) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    // On the standard HTTPS port, of a loopback address of its own: MSAL's user realm
    // discovery (before a password sign-in) drops the authority's port, so a password
    // sign-in needs an authority on 443, as a real one is. Binding it takes root (or
    // CAP_NET_BIND_SERVICE); without, the password step is skipped and says so.
    let on_443 = std::net::TcpListener::bind((ADDRESS, 443)).is_ok();
    let listen = if on_443 {
        format!("{ADDRESS}:443")
    } else {
        format!("{ADDRESS}:0")
    };
    let server = TestServer::start_with(&[
        "--tls",
        "--tls-name",
        ADDRESS,
        "--listen",
        &listen,
        "--identities",
        file.to_str().expect("utf-8"),
    ])
    .await;
    let origin = if on_443 {
        format!("https://{ADDRESS}")
    } else {
        server.origin.clone()
    };
    // CertificateCredential reads the key and the certificate from one PEM file.
    let cert_and_key = dir.path().join("app.pem");
    std::fs::write(&cert_and_key, format!("{key}{cert}")).expect("written");
    let ca = server.data_dir.join("tls").join("ca.pem");
    let output = Command::new(&python)
        .arg(workspace_root().join("compat/python/identity_compat.py"))
        .args([&origin, TENANT, CLIENT, SECRET, CERT_CLIENT])
        .arg(&cert_and_key)
        .args([ALICE_UPN, PASSWORD, ALICE, PUBLIC_CLIENT])
        .env("SSL_CERT_FILE", &ca)
        .env("REQUESTS_CA_BUNDLE", &ca)
        .env(
            "PRESENCE_SKIP_PASSWORD_SIGN_IN",
            if on_443 { "" } else { "1" },
        )
        .output()
        .await
        .expect("the compatibility script runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the credential libraries failed against us:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("ok: msal: an unknown client is AADSTS700016"),
        "every step ran:\n{stdout}"
    );
}

#[tokio::test]
async fn azure_identity_for_node_gets_a_token_the_graph_js_client_uses() {
    let js = workspace_root().join("compat/js");
    node::install(&js).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, _) = certificate(dir.path());
    let file = identities(dir.path(), &cert);
    let server =
        TestServer::start_with(&["--tls", "--identities", file.to_str().expect("utf-8")]).await;
    let output = Command::new("node")
        .arg("identity_compat.mjs")
        .args([&server.origin, TENANT, CLIENT, SECRET])
        .current_dir(&js)
        .env(
            "NODE_EXTRA_CA_CERTS",
            server.data_dir.join("tls").join("ca.pem"),
        )
        .output()
        .await
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "@azure/identity or the JavaScript client failed against us:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        report.lines().filter(|l| l.starts_with("ok:")).count(),
        5,
        "{report}"
    );
}
