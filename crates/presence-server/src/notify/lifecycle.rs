//! Lifecycle notifications: what a subscription's `lifecycleNotificationUrl` is told about
//! the subscription itself (Graph: change-notifications-lifecycle-events).
//!
//! - `reauthorizationRequired`, once per renewal or reauthorization, when the subscription
//!   expires (server clock) or the access of the token that made or last renewed it lapses
//!   (wall clock) within `--reauthorization-lead`. Graph sends it for every resource.
//! - `subscriptionRemoved` when a reset of the control plane deletes the subscription.
//! - `missed` when a change notification is dropped after four hours of failed deliveries.
//!
//! Graph limits the last two to Outlook and Teams chat resources; here they are what this
//! server's own behaviour produces, so a receiver can be tested against them. They are
//! delivered like change notifications (same timeout, fault rules, delivery journal), but
//! from memory: a few attempts over about a minute, not the durable outbox. The
//! reauthorization mark is written before sending, so instances sharing a database send it
//! once.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use presence_model::LifecycleNotificationCollection;
use presence_model::{DeliveryAttempt, LifecycleEvent, LifecycleNotification};

use super::Sender;
use super::dispatcher::post;
use crate::clock::SharedClock;
use crate::engine::graph_time::graph_timestamp;
use crate::faults::{Subject, Target};
use crate::store::{Store, SubscriptionRecord, Write, Written};

/// Attempts per lifecycle notification: after 0, 1, 2, 4, 8 and 16 s.
const ATTEMPTS: u32 = 6;

/// One lifecycle notification to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub event: LifecycleEvent,
    pub subscription_id: String,
    pub tenant: String,
    pub resource: String,
    pub client_state: Option<String>,
    pub expires_at: Timestamp,
    /// The subscription's `lifecycleNotificationUrl`.
    pub url: String,
}

impl Notice {
    /// `event` for `record`, if it has a lifecycle URL.
    pub fn of(record: &SubscriptionRecord, event: LifecycleEvent) -> Option<Self> {
        Some(Self {
            event,
            subscription_id: record.id.clone(),
            tenant: record.tenant.clone(),
            resource: record.resource.clone(),
            client_state: record.client_state.clone(),
            expires_at: record.expires_at,
            url: record.lifecycle_notification_url.clone()?,
        })
    }

    fn collection(&self, id: &str) -> LifecycleNotificationCollection {
        LifecycleNotificationCollection {
            value: vec![LifecycleNotification {
                id: id.to_owned(),
                subscription_id: self.subscription_id.clone(),
                subscription_expiration_date_time: graph_timestamp(self.expires_at),
                tenant_id: self.tenant.clone(),
                client_state: self.client_state.clone(),
                lifecycle_event: self.event,
                resource: self.resource.clone(),
            }],
        }
    }
}

/// Sends `notice` in the background.
pub fn send(sender: &Sender, notice: Notice) {
    let sender = sender.clone();
    tokio::spawn(async move { deliver(&sender, notice).await });
}

/// Up to [`ATTEMPTS`] attempts, each journaled, until the receiver answers 2xx.
async fn deliver(sender: &Sender, notice: Notice) {
    let id = uuid::Uuid::new_v4().to_string();
    let body = notice.collection(&id);
    for attempt in 1..=ATTEMPTS {
        let (started, time) = (Instant::now(), Timestamp::now());
        let effect = sender.control.faults.fire(
            Target::Deliveries,
            &Subject {
                tenant: Some(&notice.tenant),
                subscription: Some(&notice.subscription_id),
                ..Subject::default()
            },
        );
        let sent = post(
            &sender.http,
            sender.delivery.targets,
            &notice.url,
            &body,
            effect.as_ref(),
        )
        .await;
        let delivered = matches!(sent, Ok(status) if (200..300).contains(&status));
        let wait = Duration::from_secs(1 << (attempt - 1));
        let retry = !delivered && attempt < ATTEMPTS;
        sender.control.journal.deliveries.push(DeliveryAttempt {
            sequence: 0,
            time: time.to_string(),
            tenant: notice.tenant.clone(),
            subscription_id: notice.subscription_id.clone(),
            notification_id: id.clone(),
            user: String::new(),
            lifecycle_event: Some(notice.event.as_str().to_owned()),
            notification_url: notice.url.clone(),
            attempt,
            outcome: match (delivered, retry) {
                (true, _) => "delivered",
                (false, true) => "retrying",
                (false, false) => "dropped",
            }
            .to_owned(),
            status: sent.as_ref().ok().copied(),
            error: sent.as_ref().err().cloned(),
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
            next_retry: retry.then(|| (Timestamp::now() + wait).to_string()),
            fault: effect.map(|effect| effect.rule_id),
        });
        if !retry {
            if !delivered {
                tracing::warn!(subscription = %notice.subscription_id, event = notice.event.as_str(), "lifecycle notification dropped");
            }
            return;
        }
        tokio::time::sleep(wait).await;
    }
}

/// Runs forever: every `every`, sends `reauthorizationRequired` to the subscriptions that
/// owe it.
pub async fn watch(
    store: Store,
    clock: SharedClock,
    sender: Sender,
    every: Duration,
    lead: Duration,
) {
    let lead = jiff::SignedDuration::try_from(lead).unwrap_or(jiff::SignedDuration::MAX);
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = clock.now();
        let due = store
            .reauthorization_due(
                now,
                now.saturating_add(lead).unwrap_or(Timestamp::MAX),
                Timestamp::now()
                    .saturating_add(lead)
                    .unwrap_or(Timestamp::MAX),
            )
            .await;
        let due = match due {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "reading subscriptions to reauthorize failed");
                continue;
            }
        };
        for record in due {
            let marked = store
                .write(Write::MarkReauthorizationSent {
                    id: record.id.clone(),
                })
                .await;
            if let (Ok(Written::Found(true)), Some(notice)) = (
                marked,
                Notice::of(&record, LifecycleEvent::ReauthorizationRequired),
            ) {
                send(&sender, notice);
            }
        }
    }
}
