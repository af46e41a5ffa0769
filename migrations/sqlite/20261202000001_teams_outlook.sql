-- What Outlook contributes to presence, set through the control plane: automatic replies
-- (out of office) per user, and calendar entries (meetings, out-of-office events).
-- Teams client sessions need no column: they live in presence_sessions, their session_id
-- prefixed with a control character (char(2)) that Graph's session ids can never contain.

ALTER TABLE presence_users ADD COLUMN replies_on INTEGER NOT NULL DEFAULT 0;
ALTER TABLE presence_users ADD COLUMN replies_message TEXT;
ALTER TABLE presence_users ADD COLUMN replies_start INTEGER;
ALTER TABLE presence_users ADD COLUMN replies_end INTEGER;

CREATE TABLE calendar_entries (
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    entry_id  TEXT NOT NULL,
    start_at  INTEGER NOT NULL,
    end_at    INTEGER NOT NULL,
    show_as   TEXT NOT NULL,
    subject   TEXT,
    PRIMARY KEY (tenant_id, user_id, entry_id)
) WITHOUT ROWID;
