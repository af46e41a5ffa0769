//! HTTPS (`--tls`): the local CA, the names its certificate covers, the operator's own
//! certificate, and what the server writes with an `https` scheme.

use std::os::unix::fs::PermissionsExt;

use presence_test_support::{TestServer, app_token, binary};
use serde_json::{Value, json};

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn the_local_ca_serves_https_for_the_names_asked() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = TestServer::start_in(dir.path(), &["--tls", "--tls-name", "presence.test"]).await;
    assert!(
        server.origin.starts_with("https://127.0.0.1:"),
        "{}",
        server.origin
    );
    let tls = dir.path().join("tls");
    for (file, expected) in [("ca-key.pem", 0o600), ("server-key.pem", 0o600)] {
        assert_eq!(mode(&tls.join(file)), expected, "{file} is owner-only");
    }
    let ca = std::fs::read(tls.join("ca.pem")).expect("the CA is written");

    // A client that does not trust the CA is refused; one that does is answered.
    presence_client::install_crypto_provider();
    let untrusting = reqwest::Client::new();
    assert!(untrusting.get(server.url("/livez")).send().await.is_err());
    let token = app_token(&server.secret(), TENANT, APP, &["Presence.ReadWrite.All"]);
    let (status, body) = server
        .call(
            reqwest::Method::GET,
            &format!("/v1.0/users/{USER}/presence"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let context = body["@odata.context"].as_str().expect("context");
    assert!(context.starts_with("https://127.0.0.1:"), "{context}");

    // The certificate covers an extra name (a Docker service name, say).
    let port = server.origin.rsplit(':').next().expect("a port");
    let address = format!("127.0.0.1:{port}").parse().expect("an address");
    let by_name = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).expect("PEM"))
        .resolve("presence.test", address)
        .build()
        .expect("a client");
    let answer = by_name
        .get(format!("https://presence.test:{port}/livez"))
        .send()
        .await
        .expect("the certificate is valid for presence.test");
    assert_eq!(answer.status(), 200);

    // $batch reaches the server's own HTTPS listener.
    let (status, batch) = server
        .call(
            reqwest::Method::POST,
            "/v1.0/$batch",
            &token,
            Some(json!({"requests": [{"id": "1", "method": "GET", "url": format!("/users/{USER}/presence")}]})),
        )
        .await;
    assert_eq!(status, 200, "{batch}");
    assert_eq!(batch["responses"][0]["status"], 200, "{batch}");

    // presencectl trusts the CA of the server's data directory.
    let output = tokio::process::Command::new(binary("presencectl"))
        .args([
            "--url",
            &server.origin,
            "--server-data-dir",
            dir.path().to_str().expect("utf-8"),
            "--token",
            &token,
            "--output",
            "json",
            "get",
            USER,
        ])
        .output()
        .await
        .expect("presencectl runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(printed.to_string().contains("Offline"), "{printed}");

    // A restart keeps the CA: clients keep trusting the same file.
    assert!(server.stop().await);
    let again = TestServer::start_in(dir.path(), &["--tls"]).await;
    assert_eq!(std::fs::read(tls.join("ca.pem")).expect("CA"), ca);
    let (status, _) = again.call(reqwest::Method::GET, "/livez", "", None).await;
    assert_eq!(status, 200);
    assert!(again.stop().await);

    // The server's certificate lasts at most 397 days; the CA vouches for its names only.
    let dates = openssl(
        &["x509", "-noout", "-startdate", "-enddate", "-in"],
        &tls.join("server.pem"),
    );
    let date = |prefix: &str| {
        let text = dates
            .lines()
            .find_map(|line| line.strip_prefix(prefix))
            .expect("a date");
        jiff::fmt::strtime::parse("%b %e %H:%M:%S %Y GMT", text.trim())
            .and_then(|parsed| parsed.to_datetime())
            .expect("an openssl date")
    };
    let lasts = date("notAfter=").duration_since(date("notBefore="));
    assert!(
        lasts <= jiff::SignedDuration::from_hours(397 * 24),
        "{dates}"
    );
    let constraints = openssl(
        &["x509", "-noout", "-ext", "nameConstraints", "-in"],
        &tls.join("ca.pem"),
    );
    assert!(
        constraints.contains("DNS:localhost") && constraints.contains("DNS:presence.test"),
        "{constraints}"
    );
    // A certificate the CA's key signs for another host is refused by OpenSSL (Python, Node).
    let evil = dir.path().join("evil");
    std::fs::create_dir_all(&evil).expect("a directory");
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=bank.example",
            "-addext",
            "subjectAltName=DNS:bank.example",
            "-keyout",
        ])
        .arg(evil.join("key.pem"))
        .arg("-out")
        .arg(evil.join("req.pem"))
        .output()
        .expect("openssl runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let signed = std::process::Command::new("openssl")
        .args([
            "x509",
            "-req",
            "-days",
            "30",
            "-copy_extensions",
            "copy",
            "-in",
        ])
        .arg(evil.join("req.pem"))
        .arg("-CA")
        .arg(tls.join("ca.pem"))
        .arg("-CAkey")
        .arg(tls.join("ca-key.pem"))
        .arg("-CAcreateserial")
        .arg("-out")
        .arg(evil.join("cert.pem"))
        .output()
        .expect("openssl runs");
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let verified = std::process::Command::new("openssl")
        .arg("verify")
        .arg("-CAfile")
        .arg(tls.join("ca.pem"))
        .arg(evil.join("cert.pem"))
        .output()
        .expect("openssl runs");
    assert!(
        !verified.status.success(),
        "a leaked CA key cannot vouch for another host: {}",
        String::from_utf8_lossy(&verified.stdout)
    );

    // A name outside the CA's constraints makes a new CA, which serves it.
    let renamed = TestServer::start_in(dir.path(), &["--tls", "--tls-name", "other.test"]).await;
    assert_ne!(
        std::fs::read(tls.join("ca.pem")).expect("CA"),
        ca,
        "a new CA"
    );
    let (status, _) = renamed.call(reqwest::Method::GET, "/livez", "", None).await;
    assert_eq!(status, 200);
}

/// `openssl ARGS FILE`'s standard output.
fn openssl(args: &[&str], file: &std::path::Path) -> String {
    let output = std::process::Command::new("openssl")
        .args(args)
        .arg(file)
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn the_operators_own_certificate_is_served() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    // The operator's certificate: self-signed for 127.0.0.1, made with another tool's defaults.
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("made");
    std::fs::write(&cert, made.cert.pem()).expect("written");
    std::fs::write(&key, made.signing_key.serialize_pem()).expect("written");
    let server = TestServer::start_with(&[
        "--tls",
        "--tls-cert",
        cert.to_str().expect("utf-8"),
        "--tls-key",
        key.to_str().expect("utf-8"),
    ])
    .await;
    assert!(server.ca_pem().is_none(), "no local CA is made");
    presence_client::install_crypto_provider();
    let client = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(&std::fs::read(&cert).expect("cert")).expect("PEM"),
        )
        .build()
        .expect("a client");
    let answer = client
        .get(server.url("/livez"))
        .send()
        .await
        .expect("the operator's certificate is served");
    assert_eq!(answer.status(), 200);
}
