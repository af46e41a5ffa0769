-- PostgreSQL schema: the same tables and columns as the SQLite migrations (so one decoder reads
-- both), in PostgreSQL's types. Times are Unix milliseconds (UTC) in BIGINT; ids are stored
-- lowercased (Graph ids compare case-insensitively) and compared bytewise (COLLATE "C"), as in
-- SQLite, which is also what makes their btree comparisons cheap.

-- Everything about a user that is not a session. `changed_at` is the time of the last write,
-- kept strictly increasing per user; it backs `sequenceNumber`. Every write to a user locks
-- this row first, which serialises the writes to one user across server instances.
CREATE TABLE presence_users (
    tenant_id               TEXT COLLATE "C" NOT NULL,
    user_id                 TEXT COLLATE "C" NOT NULL,
    changed_at              BIGINT NOT NULL,
    preferred_availability  TEXT,
    preferred_activity      TEXT,
    preferred_expires_at    BIGINT,
    status_content          TEXT,
    status_expires_at       BIGINT,
    status_published_at     BIGINT,
    manual_location_type    TEXT,
    manual_place_id         TEXT,
    automatic_location_type TEXT,
    automatic_place_id      TEXT,
    PRIMARY KEY (tenant_id, user_id)
);

-- One row per (application) session of a user.
CREATE TABLE presence_sessions (
    tenant_id    TEXT COLLATE "C" NOT NULL,
    user_id      TEXT COLLATE "C" NOT NULL,
    session_id   TEXT COLLATE "C" NOT NULL,
    availability TEXT NOT NULL,
    activity     TEXT NOT NULL,
    refreshed_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, session_id)
);

-- Lets expired sessions be found and purged without a full scan.
CREATE INDEX presence_sessions_by_expiry ON presence_sessions (expires_at);

CREATE TABLE subscriptions (
    id                         TEXT COLLATE "C" PRIMARY KEY,
    tenant_id                  TEXT COLLATE "C" NOT NULL,
    application_id             TEXT NOT NULL,
    creator_id                 TEXT NOT NULL,
    resource                   TEXT NOT NULL,
    notification_url           TEXT NOT NULL,
    lifecycle_notification_url TEXT,
    client_state               TEXT,
    expires_at                 BIGINT NOT NULL,
    created_at                 BIGINT NOT NULL,
    include_resource_data      BOOLEAN NOT NULL DEFAULT FALSE,
    encryption_certificate     TEXT,
    encryption_certificate_id  TEXT
);

-- The users a subscription follows, and the presence it last announced for each (so a change
-- is announced once, whether a write or the passing of time caused it, and whichever
-- instance noticed it).
CREATE TABLE subscription_users (
    subscription_id   TEXT COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    tenant_id         TEXT COLLATE "C" NOT NULL,
    user_id           TEXT COLLATE "C" NOT NULL,
    last_availability TEXT NOT NULL,
    last_activity     TEXT NOT NULL,
    PRIMARY KEY (subscription_id, user_id)
);

CREATE INDEX subscription_users_by_user ON subscription_users (tenant_id, user_id);

-- Notifications not yet delivered, written in the transaction of the change that caused
-- them. Delivered in id order per subscription; an instance claims a head by moving its
-- `next_attempt_at` past the delivery (a lease). `next_attempt_at` and `created_at` are wall
-- clock, `occurred_at` is the server clock.
CREATE TABLE notification_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id TEXT NOT NULL,
    subscription_id TEXT COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    availability    TEXT NOT NULL,
    activity        TEXT NOT NULL,
    occurred_at     BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL
);

CREATE INDEX notification_outbox_by_subscription ON notification_outbox (subscription_id, id);
