//! The validation handshake: before a subscription exists, its endpoint must prove it wants
//! the notifications by echoing a token (Graph reference §11.4).
//!
//! Whatever goes wrong, the caller is told one neutral sentence: a notification URL is any
//! address the subscriber chooses, and telling a closed port from an open one, or quoting a
//! status line, would make the handshake a port scanner of the server's network. The reason
//! goes to the server's log.

use std::time::Duration;

use super::outbound::{self, TargetPolicy};

/// How long the endpoint has to answer, body included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// What the subscriber is told about any failed handshake.
pub const FAILED: &str = "the notification endpoint did not complete the validation handshake \
     (answer the POST within 10 s with 200, Content-Type text/plain and the validationToken as \
     the whole body)";

/// POSTs `{url}?validationToken={token}` (text/plain) and requires a 200 `text/plain` answer
/// whose body is the token, within [`TIMEOUT`], without redirects, at most
/// `outbound::MAX_ANSWER_BYTES` long. `Err` carries the neutral message.
pub async fn validate(
    http: &reqwest::Client,
    policy: TargetPolicy,
    url: &str,
) -> Result<(), &'static str> {
    check(http, policy, url).await.map_err(|reason| {
        tracing::info!(%url, %reason, "validation handshake failed");
        FAILED
    })
}

/// The handshake, with the detailed reason of a failure (for the log only).
async fn check(http: &reqwest::Client, policy: TargetPolicy, url: &str) -> Result<(), String> {
    let token = format!("Validation: {}", uuid::Uuid::new_v4());
    let mut target = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    if !outbound::allowed(&target, policy) {
        return Err("the address is not public (--notification-targets public)".into());
    }
    target
        .query_pairs_mut()
        .append_pair("validationToken", &token);
    let exchange = async {
        let response = http
            .post(target)
            .header("content-type", "text/plain; charset=utf-8")
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            return Err(format!("answered {status}, not 200"));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !content_type.starts_with("text/plain") {
            return Err(format!(
                "answered Content-Type '{content_type}', not text/plain"
            ));
        }
        let body = outbound::bounded_body(response).await?;
        if body != token.as_bytes() {
            return Err("the body is not the validationToken".into());
        }
        Ok(())
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| "no complete answer within 10 s".to_owned())?
}
