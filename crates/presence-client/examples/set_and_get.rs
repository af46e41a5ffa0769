//! Set a presence and read it back.
//!
//! ```sh
//! cargo run -p presence-server &                  # in another terminal
//! export PRESENCE_TOKEN=$(cargo run -q -p presence-cli -- token)
//! cargo run -p presence-client --example set_and_get -- fa8bf3dc-eca7-46b7-bad1-db199b62afc3
//! ```

use presence_client::Client;
use presence_client::types::{Activity, Availability, SetPresenceRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let user = std::env::args()
        .nth(1)
        .ok_or("usage: set_and_get USER_ID")?;
    let client = client_from_env()?;

    // sessionId defaults to the token's application id: one session per application.
    client
        .set_presence()
        .id(user.as_str())
        .body(SetPresenceRequest {
            session_id: None,
            availability: Availability::Busy,
            activity: Activity::InACall,
            expiration_duration: Some("PT1H".into()),
        })
        .send()
        .await?;

    let presence = client
        .get_presence()
        .id(user.as_str())
        .send()
        .await?
        .into_inner();
    println!(
        "{} is {} ({})",
        presence.id, presence.availability, presence.activity
    );
    Ok(())
}

/// A client for `PRESENCE_URL` (default the local server) sending `PRESENCE_TOKEN`.
fn client_from_env() -> Result<Client, Box<dyn std::error::Error>> {
    let url = std::env::var("PRESENCE_URL").unwrap_or_else(|_| "http://127.0.0.1:8465".into());
    let token =
        std::env::var("PRESENCE_TOKEN").map_err(|_| "set PRESENCE_TOKEN (presencectl token)")?;
    Ok(presence_client::with_bearer_token(
        &format!("{url}/v1.0"),
        &token,
    )?)
}
