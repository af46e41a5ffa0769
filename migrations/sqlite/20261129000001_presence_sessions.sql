-- Presence state: one row per user, one row per session.
-- Times are Unix milliseconds (UTC). Ids are stored lowercased: Graph ids compare case-insensitively.

-- Everything about a user that is not a session. `changed_at` is the time of the last write,
-- kept strictly increasing per user; it backs `sequenceNumber`.
CREATE TABLE presence_users (
    tenant_id               TEXT NOT NULL,
    user_id                 TEXT NOT NULL,
    changed_at              INTEGER NOT NULL,
    preferred_availability  TEXT,
    preferred_activity      TEXT,
    preferred_expires_at    INTEGER,
    status_content          TEXT,
    status_expires_at       INTEGER,
    status_published_at     INTEGER,
    manual_location_type    TEXT,
    manual_place_id         TEXT,
    automatic_location_type TEXT,
    automatic_place_id      TEXT,
    PRIMARY KEY (tenant_id, user_id)
) WITHOUT ROWID;

-- One row per (application) session of a user.
CREATE TABLE presence_sessions (
    tenant_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    session_id   TEXT NOT NULL,
    availability TEXT NOT NULL,
    activity     TEXT NOT NULL,
    refreshed_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, session_id)
) WITHOUT ROWID;

-- Lets expired sessions be found and purged without a full scan.
CREATE INDEX presence_sessions_by_expiry ON presence_sessions (expires_at);
