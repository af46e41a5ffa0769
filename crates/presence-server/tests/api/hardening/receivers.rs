//! Items 2 and 5: what a notification receiver can make the server do. Its answer is read
//! only up to a few KiB, within the time limit; redirects are not followed; the handshake
//! needs `text/plain`; every failure reads the same; `--notification-targets public` refuses
//! loopback and private addresses.

use std::time::{Duration, Instant};

use presence_test_support::{TestServer, WebhookReceiver, user_token, validation_token};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TENANT: &str = "6b0d8f0e-6c2e-4c8e-9a51-1a2b3c4d5e6f";
const APP: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const WATCHER: &str = "66825e03-7ef5-42da-9069-724602c31f6b";

/// How a canned receiver answers the validation request.
#[derive(Clone)]
enum Canned {
    /// 200 with the echoed token but this content type.
    Echo { content_type: &'static str },
    /// Whatever status line and headers, no body.
    Status(String),
    /// 200 text/plain, then body bytes forever (chunked).
    Endless,
}

/// A receiver on a loopback port answering every request as `canned`; its URL.
async fn canned(answer: Canned) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}/hook", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                let n = stream.read(&mut buffer).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..n]).into_owned();
                let token = request
                    .split_whitespace()
                    .nth(1)
                    .and_then(validation_token)
                    .unwrap_or_default();
                match answer {
                    Canned::Echo { content_type } => {
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{token}",
                            token.len()
                        );
                        let _ = stream.write_all(reply.as_bytes()).await;
                    }
                    Canned::Status(head) => {
                        let reply =
                            format!("{head}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        let _ = stream.write_all(reply.as_bytes()).await;
                    }
                    Canned::Endless => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
                        if stream.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                        let started = Instant::now();
                        while started.elapsed() < Duration::from_secs(60) {
                            if stream.write_all(chunk.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    url
}

async fn subscribe(server: &TestServer, url: &str) -> (u16, Value) {
    let token = user_token(
        &server.secret(),
        TENANT,
        APP,
        WATCHER,
        &["Presence.Read.All"],
    );
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(50);
    let response = reqwest::Client::new()
        .post(server.url("/v1.0/subscriptions"))
        .bearer_auth(&token)
        .json(&json!({
            "changeType": "updated",
            "notificationUrl": url,
            "resource": format!("/communications/presences/{USER}"),
            "expirationDateTime": expires.to_string(),
        }))
        .send()
        .await
        .expect("answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn subscriptions(server: &TestServer) -> usize {
    let token = user_token(
        &server.secret(),
        TENANT,
        APP,
        WATCHER,
        &["Presence.Read.All"],
    );
    let list: Value = reqwest::Client::new()
        .get(server.url("/v1.0/subscriptions"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    list["value"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn an_endless_answer_is_cut_short_and_fails_the_handshake() {
    let server = TestServer::start_with(&[]).await;
    let url = canned(Canned::Endless).await;
    let started = Instant::now();
    let (status, body) = subscribe(&server, &url).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "stopped reading after a few KiB, not at the 10 s limit: {:?}",
        started.elapsed()
    );
    assert_eq!(subscriptions(&server).await, 0, "nothing was created");
}

#[tokio::test]
async fn the_handshake_needs_text_plain_and_follows_no_redirect() {
    let server = TestServer::start_with(&[]).await;
    let html = canned(Canned::Echo {
        content_type: "text/html",
    })
    .await;
    let (status, body) = subscribe(&server, &html).await;
    assert_eq!(status, 400, "a text/html echo is refused: {body}");
    let plain = canned(Canned::Echo {
        content_type: "text/plain; charset=utf-8",
    })
    .await;
    let (status, body) = subscribe(&server, &plain).await;
    assert_eq!(status, 201, "a text/plain echo is accepted: {body}");

    let good = WebhookReceiver::start().await;
    let redirect = canned(Canned::Status(format!(
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: {}",
        good.url
    )))
    .await;
    let (status, body) = subscribe(&server, &redirect).await;
    assert_eq!(status, 400, "a redirect is not followed: {body}");
    assert_eq!(
        good.validations(),
        0,
        "the redirect target was never contacted"
    );
    assert_eq!(
        subscriptions(&server).await,
        1,
        "only the text/plain one exists"
    );
}

#[tokio::test]
async fn every_handshake_failure_reads_the_same() {
    let server = TestServer::start_with(&[]).await;
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let address = listener.local_addr().expect("bound");
        drop(listener);
        format!("http://{address}/hook")
    };
    let targets = [
        closed,
        canned(Canned::Status("HTTP/1.1 500 Internal Server Error".into())).await,
        canned(Canned::Status("HTTP/1.1 405 Method Not Allowed".into())).await,
        canned(Canned::Echo {
            content_type: "text/html",
        })
        .await,
    ];
    let mut messages = Vec::new();
    for url in &targets {
        let (status, body) = subscribe(&server, url).await;
        assert_eq!(status, 400, "{url}: {body}");
        let message = body["error"]["message"]
            .as_str()
            .expect("a message")
            .to_owned();
        assert!(!message.contains("127.0.0.1"), "{message}");
        messages.push(message);
    }
    assert!(
        messages.windows(2).all(|pair| pair[0] == pair[1]),
        "one neutral message: {messages:#?}"
    );
}

#[tokio::test]
async fn public_targets_only_refuses_loopback_and_private_addresses() {
    let server = TestServer::start_with(&["--notification-targets", "public"]).await;
    let good = WebhookReceiver::start().await;
    let port = good.url.split(':').nth(2).expect("a port").to_owned();
    for url in [
        good.url.clone(),
        format!("http://localhost:{port}"),
        format!("http://[::1]:{port}/hook"),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://10.0.0.1/hook".to_owned(),
        format!("http://2130706433:{port}/hook"),
    ] {
        let (status, body) = subscribe(&server, &url).await;
        assert_eq!(status, 400, "{url}: {body}");
    }
    assert_eq!(
        good.validations(),
        0,
        "no request reached the loopback receiver"
    );
    // The default stays open: local receivers are the emulator's main use.
    let open = TestServer::start_with(&[]).await;
    let (status, body) = subscribe(&open, &good.url).await;
    assert_eq!(status, 201, "{body}");
}
