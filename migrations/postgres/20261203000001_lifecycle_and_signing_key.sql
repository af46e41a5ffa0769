-- The subscription lifecycle (reauthorizationRequired) and the key the server signs with.
-- The same tables and columns as the SQLite migration of the same name.

ALTER TABLE subscriptions ADD COLUMN access_expires_at BIGINT;
ALTER TABLE subscriptions ADD COLUMN reauthorization_sent BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE signing_keys (
    kid             TEXT COLLATE "C" PRIMARY KEY,
    private_key_pem TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
