//! Raw HTTP/1.1 over TCP, for what a well-behaved client library cannot do: send a head and
//! part of a body, then stall or leave.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request sent up to part of its body.
pub struct Partial {
    pub stream: TcpStream,
}

/// Sends `POST path` announcing `length` body bytes but only `sent` of them.
pub async fn partial_post(
    origin: &str,
    path: &str,
    token: Option<&str>,
    sent: &str,
    length: usize,
) -> Partial {
    let address = origin.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connects");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{sent}"
    );
    stream
        .write_all(head.as_bytes())
        .await
        .expect("partial request sent");
    Partial { stream }
}

/// An answer read off a raw connection.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// Whether the server closed the connection after the answer.
    pub closed: bool,
}

impl Partial {
    /// Reads the answer (head and `Content-Length` body) within `wait`; `None` if there is
    /// none by then.
    pub async fn answer(&mut self, wait: Duration) -> Option<Answer> {
        let mut buffer = Vec::new();
        let read = tokio::time::timeout(wait, async {
            let mut chunk = [0u8; 4096];
            loop {
                let n = self.stream.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    return true;
                }
                buffer.extend_from_slice(&chunk[..n]);
                if complete(&buffer) {
                    return false;
                }
            }
        })
        .await
        .ok()?;
        let text = String::from_utf8_lossy(&buffer).into_owned();
        let (head, body) = text.split_once("\r\n\r\n")?;
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        let mut closed = read;
        if !closed {
            // The server closes at once after an answer it marks `close`.
            let mut probe = [0u8; 1];
            closed = matches!(
                tokio::time::timeout(Duration::from_secs(2), self.stream.read(&mut probe)).await,
                Ok(Ok(0) | Err(_))
            );
        }
        Some(Answer {
            status,
            body: body.to_owned(),
            closed,
        })
    }
}

/// Whether `buffer` holds a whole answer (head, and as much body as it announces).
fn complete(buffer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(buffer);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    body.len() >= length
}
