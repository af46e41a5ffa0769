//! A notification endpoint for tests: answers Graph's validation handshake and records every
//! notification it receives, answering with the statuses it is told to.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Default)]
struct Shared {
    notifications: Vec<Value>,
    /// Every accepted delivery's whole body (`validationTokens` included).
    bodies: Vec<Value>,
    /// Statuses to answer the next deliveries with (then 202).
    next_statuses: VecDeque<u16>,
    refuse_validation: bool,
    validations: usize,
    /// Never answer deliveries (a receiver that hangs).
    hang: bool,
}

/// A running receiver on a loopback port.
#[derive(Clone)]
pub struct WebhookReceiver {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

impl WebhookReceiver {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!("http://{}/hook", listener.local_addr().expect("bound"));
        let shared: Arc<Mutex<Shared>> = Arc::default();
        let state = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, state).await;
                });
            }
        });
        Self { url, shared }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Fail the validation handshake from now on.
    pub fn refuse_validation(&self) {
        self.lock().refuse_validation = true;
    }

    /// Accept connections but never answer a delivery (validation still works).
    pub fn hang(&self) {
        self.lock().hang = true;
    }

    /// Answer deliveries again after [`hang`] (connections already hanging stay so).
    pub fn recover(&self) {
        self.lock().hang = false;
    }

    /// Answer the next deliveries with these statuses (then 202 again).
    pub fn answer_next_with(&self, statuses: &[u16]) {
        self.lock().next_statuses.extend(statuses);
    }

    /// Forget statuses queued with [`answer_next_with`]: answer 202 from now on.
    pub fn clear_failures(&self) {
        self.lock().next_statuses.clear();
    }

    /// Every notification (each item of each `value` array) received so far.
    pub fn notifications(&self) -> Vec<Value> {
        self.lock().notifications.clone()
    }

    /// Every accepted delivery's whole JSON body, in order.
    pub fn bodies(&self) -> Vec<Value> {
        self.lock().bodies.clone()
    }

    pub fn validations(&self) -> usize {
        self.lock().validations
    }

    /// Waits until at least `count` notifications arrived (or `timeout` passed).
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let received = self.notifications();
            if received.len() >= count || tokio::time::Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

async fn serve(stream: tokio::net::TcpStream, shared: Arc<Mutex<Shared>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await? == 0 {
            return Ok(());
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).await?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).await?;
        let target = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let hang = {
            let state = shared.lock().unwrap_or_else(PoisonError::into_inner);
            state.hang && validation_token(&target).is_none()
        };
        if hang {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Ok(());
        }
        let (status, content_type, reply) = {
            let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
            match validation_token(&target) {
                Some(token) => {
                    state.validations += 1;
                    if state.refuse_validation {
                        (400, "text/plain", "no".to_owned())
                    } else {
                        (200, "text/plain", token)
                    }
                }
                None => {
                    let status = state.next_statuses.pop_front().unwrap_or(202);
                    if (200..300).contains(&status)
                        && let Ok(json) = serde_json::from_slice::<Value>(&body)
                    {
                        state
                            .notifications
                            .extend(json["value"].as_array().cloned().unwrap_or_default());
                        state.bodies.push(json);
                    }
                    (status, "text/plain", String::new())
                }
            }
        };
        let response = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{reply}",
            reply.len()
        );
        reader.get_mut().write_all(response.as_bytes()).await?;
    }
}

/// The decoded `validationToken` query parameter of a request target, if any.
pub fn validation_token(target: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name == "validationToken").then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
