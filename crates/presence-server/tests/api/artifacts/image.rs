//! The container image (`Containerfile`, built by `cargo xtask dist --image`), under podman:
//! run with a volume and `--tls`; the official Python SDK sets and reads presence over HTTPS
//! with the development identities and the CA taken from the volume; the process is not
//! root; the health check passes with and without `--tls`; stopped and started, the state is
//! still there. Prints the image's size and the time from `run` to the ready line.

use std::time::{Duration, Instant};

use tokio::process::Command;

use super::{dist, run};
use crate::python::{self, workspace_root};

/// A container and a volume, removed however the test ends.
struct Podman {
    containers: Vec<String>,
    volume: String,
}

impl Drop for Podman {
    fn drop(&mut self) {
        for name in &self.containers {
            let _ = std::process::Command::new("podman")
                .args(["rm", "-f", "-t", "0", name])
                .output();
        }
        let _ = std::process::Command::new("podman")
            .args(["volume", "rm", "-f", &self.volume])
            .output();
    }
}

fn podman() -> Command {
    Command::new("podman")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until `name`'s output holds the ready line `times` times; answers how long it took.
async fn ready(name: &str, times: usize) -> Duration {
    let started = Instant::now();
    loop {
        let logs = podman()
            .args(["logs", name])
            .output()
            .await
            .expect("podman logs");
        let text = String::from_utf8_lossy(&logs.stdout);
        if text.matches("presence ready: ").count() >= times {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{name} not ready: {text}\n{}",
            String::from_utf8_lossy(&logs.stderr)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_image_serves_the_python_sdk_over_https_as_a_user_and_keeps_its_state() {
    if dist().is_none() {
        return;
    }
    assert!(
        std::process::Command::new("podman")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success()),
        "podman is missing: the image test needs it (Debian: apt-get install podman runc \
         debootstrap; .ci/run installs and configures it)"
    );
    let image = super::image();
    let tag = format!("presence-test-{}", std::process::id());
    let guard = Podman {
        containers: vec![format!("{tag}-tls"), format!("{tag}-http")],
        volume: format!("{tag}-data"),
    };
    let (tls, http) = (guard.containers[0].clone(), guard.containers[1].clone());
    let sdk = python::venv("compat/python/requirements.txt", "sdk-venv").await;
    run(
        podman().args(["volume", "create", &guard.volume]),
        "volume create",
    )
    .await;
    let port = free_port();
    let started = Instant::now();
    run(
        podman()
            .args(["run", "-d", "--name", &tls, "-p"])
            .arg(format!("127.0.0.1:{port}:8465"))
            .args(["-v", &format!("{}:/data", guard.volume), &image, "--tls"]),
        "podman run --tls",
    )
    .await;
    ready(&tls, 1).await;
    let to_ready = started.elapsed();
    let mountpoint = run(
        podman().args([
            "volume",
            "inspect",
            "--format",
            "{{.Mountpoint}}",
            &guard.volume,
        ]),
        "volume inspect",
    )
    .await;
    let ca = std::path::Path::new(mountpoint.trim()).join("tls/ca.pem");
    assert!(ca.exists(), "the CA is on the volume: {}", ca.display());
    let origin = format!("https://127.0.0.1:{port}");
    let check = |mode: &'static str| {
        let mut command = Command::new(&sdk);
        command
            .arg(workspace_root().join("compat/container/sdk_check.py"))
            .args([origin.as_str(), mode])
            .env("SSL_CERT_FILE", &ca)
            .env("REQUESTS_CA_BUNDLE", &ca);
        command
    };
    let said = run(&mut check("set"), "the SDK against the image").await;
    assert!(said.contains("sdk: ok"), "{said}");

    let user = run(podman().args(["exec", &tls, "id", "-u"]), "id -u").await;
    assert_eq!(user.trim(), "10001", "the server does not run as root");
    let modes = run(
        podman().args([
            "exec",
            &tls,
            "stat",
            "-c",
            "%a %u",
            "/data",
            "/data/tls/ca-key.pem",
        ]),
        "stat /data",
    )
    .await;
    for line in modes.lines() {
        assert!(
            line.starts_with("700 10001") || line.starts_with("600 10001"),
            "owner-only: {modes}"
        );
    }
    run(
        podman().args(["healthcheck", "run", &tls]),
        "the health check over HTTPS",
    )
    .await;

    run(podman().args(["stop", "-t", "10", &tls]), "podman stop").await;
    run(podman().args(["start", &tls]), "podman start").await;
    ready(&tls, 2).await;
    let said = run(&mut check("get"), "the SDK after a restart").await;
    assert!(said.contains("sdk: ok"), "the state survived: {said}");

    run(
        podman()
            .args(["run", "-d", "--name", &http, "-p"])
            .arg(format!("127.0.0.1:{}:8465", free_port()))
            .arg(&image),
        "podman run (HTTP)",
    )
    .await;
    ready(&http, 1).await;
    run(
        podman().args(["healthcheck", "run", &http]),
        "the health check over HTTP",
    )
    .await;

    let size = run(
        podman().args(["image", "inspect", "--format", "{{.Size}}", &image]),
        "image inspect",
    )
    .await;
    let size: f64 = size.trim().parse().unwrap_or_default();
    eprintln!(
        "image {image}: {:.1} MB; run to ready: {:.2} s",
        size / 1e6,
        to_ready.as_secs_f64()
    );
}
