-- Change notifications: subscriptions, who each follows, and the durable outbox.

CREATE TABLE subscriptions (
    id                         TEXT PRIMARY KEY,
    tenant_id                  TEXT NOT NULL,
    application_id             TEXT NOT NULL,
    creator_id                 TEXT NOT NULL,
    resource                   TEXT NOT NULL,
    notification_url           TEXT NOT NULL,
    lifecycle_notification_url TEXT,
    client_state               TEXT,
    expires_at                 INTEGER NOT NULL,
    created_at                 INTEGER NOT NULL
);

-- The users a subscription follows, and the presence it last announced for each (so a change
-- is announced once, whether a write or the passing of time caused it).
CREATE TABLE subscription_users (
    subscription_id   TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    tenant_id         TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    last_availability TEXT NOT NULL,
    last_activity     TEXT NOT NULL,
    PRIMARY KEY (subscription_id, user_id)
) WITHOUT ROWID;

CREATE INDEX subscription_users_by_user ON subscription_users (tenant_id, user_id);

-- Notifications not yet delivered, written in the transaction of the change that caused
-- them. Delivered in id order per subscription; `next_attempt_at` and `created_at` are wall
-- clock (retries are about real receivers), `occurred_at` is the server clock.
CREATE TABLE notification_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    availability    TEXT NOT NULL,
    activity        TEXT NOT NULL,
    occurred_at     INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL
);

CREATE INDEX notification_outbox_by_subscription ON notification_outbox (subscription_id, id);
