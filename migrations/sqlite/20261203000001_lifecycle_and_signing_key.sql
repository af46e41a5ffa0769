-- The subscription lifecycle (reauthorizationRequired) and the key the server signs with.

-- When the access of the token that created (or last reauthorized or renewed) a subscription
-- lapses, in wall-clock milliseconds; NULL without authentication.
ALTER TABLE subscriptions ADD COLUMN access_expires_at INTEGER;
-- Whether `reauthorizationRequired` was sent since the last reauthorization or renewal, so it
-- is sent once per lapse.
ALTER TABLE subscriptions ADD COLUMN reauthorization_sent INTEGER NOT NULL DEFAULT 0;

-- The RS256 key the server signs with (validation tokens of rich notifications; the tokens
-- its authority issues), generated once and kept with the data so every instance sharing the
-- database signs with the same key, and restarts keep it.
CREATE TABLE signing_keys (
    kid             TEXT PRIMARY KEY,
    private_key_pem TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
