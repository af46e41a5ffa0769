-- What Outlook contributes to presence, set through the control plane: automatic replies
-- (out of office) per user, and calendar entries (meetings, out-of-office events). The same
-- tables and columns as the SQLite migration of the same name.
-- Teams client sessions need no column: they live in presence_sessions, their session_id
-- prefixed with a control character (chr(2)) that Graph's session ids can never contain.

ALTER TABLE presence_users ADD COLUMN replies_on BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE presence_users ADD COLUMN replies_message TEXT;
ALTER TABLE presence_users ADD COLUMN replies_start BIGINT;
ALTER TABLE presence_users ADD COLUMN replies_end BIGINT;

CREATE TABLE calendar_entries (
    tenant_id TEXT COLLATE "C" NOT NULL,
    user_id   TEXT COLLATE "C" NOT NULL,
    entry_id  TEXT COLLATE "C" NOT NULL,
    start_at  BIGINT NOT NULL,
    end_at    BIGINT NOT NULL,
    show_as   TEXT NOT NULL,
    subject   TEXT,
    PRIMARY KEY (tenant_id, user_id, entry_id)
);
