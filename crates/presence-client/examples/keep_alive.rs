//! Hold a presence session alive: refresh it well before Graph's 5-minute timeout, and clear
//! it on Ctrl-C. This is how an application shows "in a call" for as long as the call lasts.
//!
//! ```sh
//! export PRESENCE_TOKEN=$(cargo run -q -p presence-cli -- token)
//! cargo run -p presence-client --example keep_alive -- fa8bf3dc-eca7-46b7-bad1-db199b62afc3
//! ```

use std::time::Duration;

use presence_client::Client;
use presence_client::types::{Activity, Availability, ClearPresenceRequest, SetPresenceRequest};

/// Refresh every 4 minutes: an Available session fades after 5 without one.
const REFRESH_EVERY: Duration = Duration::from_secs(4 * 60);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let user = std::env::args().nth(1).ok_or("usage: keep_alive USER_ID")?;
    let client = client_from_env()?;
    let mut ticks = tokio::time::interval(REFRESH_EVERY);
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                client
                    .set_presence()
                    .id(user.as_str())
                    .body(SetPresenceRequest {
                        session_id: None,
                        availability: Availability::Busy,
                        activity: Activity::InACall,
                        // Expiry is the safety net if this process dies without clearing.
                        expiration_duration: Some("PT10M".into()),
                    })
                    .send()
                    .await?;
                println!("refreshed: {user} is Busy/InACall");
            }
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    client
        .clear_presence()
        .id(user.as_str())
        .body(ClearPresenceRequest { session_id: None })
        .send()
        .await?;
    println!("cleared the session");
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
