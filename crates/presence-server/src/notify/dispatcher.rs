//! Delivers the outbox to the notification endpoints.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::outbound::{self, TargetPolicy};
use super::payload;
use crate::store::{PendingNotification, Store, Write};

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_millis(100);
/// How long a receiver has to answer one delivery.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// Graph retries for up to four hours, then drops the notification.
const GIVE_UP_AFTER: SignedDuration = SignedDuration::from_hours(4);
/// Longest wait between two attempts.
const MAX_BACKOFF: SignedDuration = SignedDuration::from_mins(10);
/// How long a claimed notification is this instance's to deliver: well past
/// [`DELIVERY_TIMEOUT`], so another instance only takes over when this one has died.
const LEASE: SignedDuration = SignedDuration::from_secs(60);

/// Runs forever.
pub async fn run(store: Store, http: reqwest::Client, policy: TargetPolicy) {
    let mut ticker = tokio::time::interval(POLL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = Timestamp::now();
        let due = match store.claim_due_notifications(now, now + LEASE).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "reading the notification outbox failed");
                continue;
            }
        };
        // Each claimed notification is the head of its subscription, and stays claimed until
        // its outcome is recorded: deliveries run side by side without reordering, and a
        // slow receiver only holds up its own subscription.
        for pending in due {
            let (store, http) = (store.clone(), http.clone());
            tokio::spawn(async move { deliver(&store, &http, policy, pending).await });
        }
    }
}

/// One attempt, and its outcome recorded durably. Only the receiver's status is used: its
/// body is never read (dropping the response closes the connection), so a receiver cannot
/// make the server buffer anything; redirects count as failures (`outbound`).
async fn deliver(
    store: &Store,
    http: &reqwest::Client,
    policy: TargetPolicy,
    pending: PendingNotification,
) {
    let allowed = reqwest::Url::parse(&pending.notification_url)
        .is_ok_and(|url| outbound::allowed(&url, policy));
    let sent = match payload::collection(&pending) {
        Ok(_) if !allowed => {
            Err("the address is not public (--notification-targets public)".into())
        }
        Ok(body) => http
            .post(&pending.notification_url)
            .json(&body)
            .timeout(DELIVERY_TIMEOUT)
            .send()
            .await
            .map_err(|e| e.to_string()),
        Err(error) => Err(format!("cannot build the notification: {error}")),
    };
    let write = match sent {
        Ok(response) if response.status().is_success() => Write::Delivered {
            outbox_id: pending.outbox_id,
        },
        outcome => {
            let now = Timestamp::now();
            let retry_at = now + backoff(pending.attempts);
            let give_up = retry_at.duration_since(pending.created_at) > GIVE_UP_AFTER;
            let reason = match &outcome {
                Ok(response) => response.status().to_string(),
                Err(error) => error.clone(),
            };
            if give_up {
                tracing::warn!(subscription = %pending.subscription_id, %reason, "notification dropped after 4 hours of retries");
            } else {
                tracing::info!(subscription = %pending.subscription_id, %reason, attempt = pending.attempts + 1, "delivery failed; will retry");
            }
            Write::DeliveryFailed {
                outbox_id: pending.outbox_id,
                retry_at: (!give_up).then_some(retry_at),
            }
        }
    };
    if let Err(error) = store.write(write).await {
        tracing::warn!(%error, "recording a delivery failed; it will be attempted again");
    }
}

/// 1 s, 2 s, 4 s, … up to ten minutes.
pub fn backoff(attempts: u32) -> SignedDuration {
    let seconds = 1_i64.checked_shl(attempts.min(20)).unwrap_or(i64::MAX);
    SignedDuration::from_secs(seconds).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        let waits: Vec<i64> = (0..12).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }
}
