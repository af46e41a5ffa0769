-- Presence sessions and the per-user version stamp.
-- Times are Unix milliseconds (UTC). Ids are stored lowercased: Graph ids compare case-insensitively.

-- One row per user that has ever been written; `sequence` backs `sequenceNumber`.
CREATE TABLE presence_users (
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    sequence  INTEGER NOT NULL,
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
