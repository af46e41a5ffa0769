//! Delivers the outbox to the notification endpoints.

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use presence_model::DeliveryAttempt;

use super::lifecycle::{self, Notice};
use super::outbound;
use super::payload;
use super::slow_endpoints::{SLOW_DELAY, Standing};
use super::{Delivery, Sender};
use crate::faults::{Effect, Subject, Target};
use crate::signing::Signer;
use crate::store::{PendingNotification, Store, Write};
use presence_model::LifecycleEvent;

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_millis(100);
/// How long a receiver has to answer one delivery: Graph's 3 seconds (delivery docs: "the
/// receiver must return a 2xx within 3 seconds"); a later answer counts as a failure, retried.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(3);
/// Graph retries for up to four hours, then drops the notification (`--give-up-after`).
pub const GIVE_UP_AFTER: SignedDuration = SignedDuration::from_hours(4);
/// Longest wait between two attempts.
const MAX_BACKOFF: SignedDuration = SignedDuration::from_mins(10);
/// How long a claimed notification is this instance's to deliver: well past
/// [`DELIVERY_TIMEOUT`], so another instance only takes over when this one has died.
const LEASE: SignedDuration = SignedDuration::from_secs(60);

/// Runs forever.
pub async fn run(store: Store, sender: Sender) {
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
            let (store, sender) = (store.clone(), sender.clone());
            tokio::spawn(async move { deliver(&store, &sender, pending).await });
        }
    }
}

/// One attempt, and its outcome recorded durably (and in the delivery journal). Only the
/// receiver's status is used: its body is never read (dropping the response closes the
/// connection), so a receiver cannot make the server buffer anything; redirects count as
/// failures (`outbound`). A fault rule may delay, fail, drop or duplicate the attempt. An
/// endpoint throttled as slow gets it 10 s late; one throttled as "drop" not at all. A
/// notification dropped for good is followed by a `missed` lifecycle notification.
async fn deliver(store: &Store, sender: &Sender, pending: PendingNotification) {
    let control = &sender.control;
    let standing = sender.endpoints.standing(&pending.notification_url);
    if standing == Standing::Slow {
        tokio::time::sleep(SLOW_DELAY).await;
    }
    let (started, time) = (Instant::now(), Timestamp::now());
    let effect = control.faults.fire(
        Target::Deliveries,
        &Subject {
            tenant: Some(&pending.tenant),
            subscription: Some(&pending.subscription_id),
            ..Subject::default()
        },
    );
    let throttled = standing == Standing::Drop;
    let sent = if throttled {
        Err(
            "not sent: the endpoint is throttled (over 15 % of its answers in the last 10 \
             minutes took more than 2.9 s)"
                .to_owned(),
        )
    } else {
        let sent = attempt(
            &sender.http,
            sender.delivery,
            &sender.signer,
            &pending,
            effect.as_ref(),
        )
        .await;
        sender
            .endpoints
            .record(&pending.notification_url, started.elapsed());
        sent
    };
    let (write, outcome, retry_at) = match &sent {
        Ok(status) if (200..300).contains(status) => (
            Write::Delivered {
                outbox_id: pending.outbox_id,
            },
            "delivered",
            None,
        ),
        _ => {
            let now = Timestamp::now();
            let retry_at = now + backoff(pending.attempts);
            let give_up = throttled
                || retry_at.duration_since(pending.created_at) > sender.delivery.give_up_after;
            let reason = match &sent {
                Ok(status) => status.to_string(),
                Err(error) => error.clone(),
            };
            if give_up {
                tracing::warn!(subscription = %pending.subscription_id, %reason, "notification dropped (retried too long, or the endpoint is throttled)");
                if let Some(url) = &pending.lifecycle_notification_url {
                    lifecycle::send(
                        sender,
                        Notice {
                            event: LifecycleEvent::Missed,
                            subscription_id: pending.subscription_id.clone(),
                            tenant: pending.tenant.clone(),
                            resource: pending.subscription_resource.clone(),
                            client_state: pending.client_state.clone(),
                            expires_at: pending.subscription_expires_at,
                            url: url.clone(),
                        },
                    );
                }
            } else {
                tracing::info!(subscription = %pending.subscription_id, %reason, attempt = pending.attempts + 1, "delivery failed; will retry");
            }
            let retry_at = (!give_up).then_some(retry_at);
            let write = Write::DeliveryFailed {
                outbox_id: pending.outbox_id,
                retry_at,
            };
            (
                write,
                if give_up { "dropped" } else { "retrying" },
                retry_at,
            )
        }
    };
    if let Some(metrics) = crate::metrics::get() {
        metrics
            .deliveries
            .get_or_create(&crate::metrics::OutcomeLabel { outcome })
            .inc();
    }
    control.journal.deliveries.push(DeliveryAttempt {
        sequence: 0,
        time: time.to_string(),
        tenant: pending.tenant.clone(),
        subscription_id: pending.subscription_id.clone(),
        notification_id: pending.notification_id.clone(),
        user: pending.user.clone(),
        lifecycle_event: None,
        notification_url: pending.notification_url.clone(),
        attempt: pending.attempts.saturating_add(1),
        outcome: outcome.to_owned(),
        status: sent.as_ref().ok().copied(),
        error: sent.as_ref().err().cloned(),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        next_retry: retry_at.map(|at| at.to_string()),
        fault: effect.map(|effect| effect.rule_id),
    });
    if let Err(error) = store.write(write).await {
        tracing::warn!(%error, "recording a delivery failed; it will be attempted again");
    }
}

/// Sends the notification (unless a fault rule answers for the receiver): the receiver's
/// status, or why there is none.
async fn attempt(
    http: &reqwest::Client,
    delivery: Delivery,
    signer: &Signer,
    pending: &PendingNotification,
    effect: Option<&Effect>,
) -> Result<u16, String> {
    let mut body = payload::collection(pending, delivery.shape)
        .map_err(|error| format!("cannot build the notification: {error}"))?;
    if pending.encryption.is_some() {
        let token = signer
            .validation_token(&pending.application_id, &pending.tenant)
            .await
            .map_err(|error| format!("cannot sign the validation token: {error}"))?;
        body.validation_tokens = Some(vec![token]);
    }
    post(
        http,
        delivery.targets,
        &pending.notification_url,
        &body,
        effect,
    )
    .await
}

/// POSTs `body` as JSON to `url` within [`DELIVERY_TIMEOUT`], after a fault rule's delay;
/// a fault rule may also drop, answer or duplicate it. The receiver's status, or why there
/// is none. Lifecycle notifications go the same way.
pub(super) async fn post(
    http: &reqwest::Client,
    targets: outbound::TargetPolicy,
    url: &str,
    body: &impl serde::Serialize,
    effect: Option<&Effect>,
) -> Result<u16, String> {
    if let Some(delay) = effect.and_then(|e| e.delay) {
        tokio::time::sleep(delay).await;
    }
    if effect.is_some_and(|e| e.drop) {
        return Err("the connection was dropped by a fault rule".into());
    }
    if let Some(error) = effect.and_then(|e| e.respond.as_ref()) {
        return Ok(error.status.as_u16());
    }
    let allowed = reqwest::Url::parse(url).is_ok_and(|url| outbound::allowed(&url, targets));
    if !allowed {
        return Err("the address is not public (--notification-targets public)".into());
    }
    let copies = if effect.is_some_and(|e| e.duplicate) {
        2
    } else {
        1
    };
    let mut status = Err(String::new());
    for _ in 0..copies {
        status = http
            .post(url)
            .json(body)
            .timeout(DELIVERY_TIMEOUT)
            .send()
            .await
            .map(|response| response.status().as_u16())
            .map_err(|e| e.to_string());
    }
    status
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
