-- Who exists for the server's authority. The same tables and columns as the SQLite migration
-- of the same name.

CREATE TABLE identity_applications (
    tenant_id    TEXT COLLATE "C" NOT NULL,
    client_id    TEXT COLLATE "C" NOT NULL,
    display_name TEXT NOT NULL,
    roles        TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, client_id)
);

CREATE TABLE identity_credentials (
    tenant_id TEXT COLLATE "C" NOT NULL,
    client_id TEXT COLLATE "C" NOT NULL,
    position  INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, client_id, position),
    FOREIGN KEY (tenant_id, client_id)
        REFERENCES identity_applications (tenant_id, client_id) ON DELETE CASCADE
);

CREATE TABLE identity_users (
    tenant_id           TEXT COLLATE "C" NOT NULL,
    user_id             TEXT COLLATE "C" NOT NULL,
    user_principal_name TEXT COLLATE "C" NOT NULL,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE UNIQUE INDEX identity_users_by_upn ON identity_users (user_principal_name, tenant_id);
