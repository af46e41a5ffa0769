//! The validation handshake: before a subscription exists, its endpoint must prove it wants
//! the notifications by echoing a token (Graph reference §11.4).

use std::time::Duration;

/// How long the endpoint has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// POSTs `{url}?validationToken={token}` (text/plain) and requires a 200 whose body is the
/// token. The message of an error says what the endpoint did wrong.
pub async fn validate(http: &reqwest::Client, url: &str) -> Result<(), String> {
    let token = format!("Validation: {}", uuid::Uuid::new_v4());
    let mut target = reqwest::Url::parse(url).map_err(|e| format!("'{url}' is not a URL: {e}"))?;
    target
        .query_pairs_mut()
        .append_pair("validationToken", &token);
    let response = http
        .post(target)
        .header("content-type", "text/plain; charset=utf-8")
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                format!("the endpoint {url} did not answer the validation request within 10 s")
            } else {
                format!("the validation request to {url} failed: {e}")
            }
        })?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if status != reqwest::StatusCode::OK {
        return Err(format!(
            "the endpoint {url} answered the validation request with {status}, not 200"
        ));
    }
    if body != token {
        return Err(format!(
            "the endpoint {url} did not echo the validationToken as its text/plain body"
        ));
    }
    Ok(())
}
