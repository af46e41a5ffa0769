//! Client connections against the limit of open files: idle keep-alive connections cannot
//! take every descriptor, and a new client is answered at once.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use presence_test_support::binary;

/// Starts the server under `prlimit --nofile=N:N` (soft and hard, so that it cannot raise
/// it); its address, and the process (killed when dropped) with its log.
async fn start_with_open_files(
    limit: u32,
    dir: &std::path::Path,
) -> (
    String,
    tokio::process::Child,
    tokio::sync::mpsc::UnboundedReceiver<String>,
) {
    let mut child = tokio::process::Command::new("prlimit")
        .arg(format!("--nofile={limit}:{limit}"))
        .arg(binary("presence-server"))
        .args(["--listen", "127.0.0.1:0", "--auth", "none", "--data-dir"])
        .arg(dir)
        .env("PRESENCE_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("prlimit runs the server");
    let mut lines = BufReader::new(child.stderr.take().expect("piped")).lines();
    let (log, logged) = tokio::sync::mpsc::unbounded_channel();
    let origin = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the server logs in time")
            .expect("readable")
            .expect("the server says where it listens");
        let _ = log.send(line.clone());
        if let Some((_, url)) = line.split_once("listening on ") {
            break url.trim().to_owned();
        }
    };
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            let _ = log.send(line);
        }
    });
    (origin, child, logged)
}

/// Opens a connection, sends one keep-alive `GET /livez` and reads its answer; the
/// connection is kept open (idle), or `None` if the server closed it after answering.
async fn idle_after_one_request(addr: &str) -> Option<TcpStream> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    stream
        .write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        .await
        .ok()?;
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut answer))
        .await
        .ok()?
        .ok()?;
    let head = String::from_utf8_lossy(&answer[..read]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    (!head.contains("connection: close")).then_some(stream)
}

#[tokio::test]
async fn idle_keep_alive_connections_cannot_exhaust_open_files_and_livez_keeps_answering() {
    presence_client::install_crypto_provider();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (origin, _child, mut log) = start_with_open_files(256, dir.path()).await;
    let addr = origin.trim_start_matches("http://").to_owned();

    // Three hundred clients, each idle after one request: more than the process could hold.
    let mut held = Vec::new();
    for _ in 0..300 {
        if let Some(stream) = idle_after_one_request(&addr).await {
            held.push(stream);
        }
    }
    assert!(
        held.len() < 256,
        "{} idle connections were kept at a limit of 256 open files",
        held.len()
    );
    // A new client is answered at once.
    let started = Instant::now();
    let answer = reqwest::Client::new()
        .get(format!("{origin}/livez"))
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .expect("livez answers while the idle connections are held");
    assert_eq!(answer.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    drop(held);

    let mut lines = Vec::new();
    while let Ok(line) = log.try_recv() {
        lines.push(line);
    }
    let lines = lines.join("\n");
    assert!(
        lines.contains("limit of open files"),
        "the limit is logged: {lines}"
    );
    assert!(
        lines.contains("client connections capped"),
        "the cap is logged: {lines}"
    );
    assert!(!lines.contains("Too many open files"), "{lines}");
}
