-- Who exists for the server's authority: applications (with their credentials and what they
-- may be granted) and test users, per tenant. Secrets and passwords are stored as argon2
-- hashes (PHC strings), never in clear.

CREATE TABLE identity_applications (
    tenant_id    TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    display_name TEXT NOT NULL,
    roles        TEXT NOT NULL, -- JSON array of application permissions
    scopes       TEXT NOT NULL, -- JSON array of delegated scopes
    PRIMARY KEY (tenant_id, client_id)
);

-- `kind` 'secret' (value: an argon2 hash) or 'certificate' (value: a PEM certificate).
CREATE TABLE identity_credentials (
    tenant_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, client_id, position),
    FOREIGN KEY (tenant_id, client_id)
        REFERENCES identity_applications (tenant_id, client_id) ON DELETE CASCADE
);

CREATE TABLE identity_users (
    tenant_id           TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    user_principal_name TEXT NOT NULL, -- lowercase
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE UNIQUE INDEX identity_users_by_upn ON identity_users (user_principal_name, tenant_id);
