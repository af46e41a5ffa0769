"""The well-known development identities every server has (README, "Development identities";
`presencectl dev-identities --json` prints the same, checked by the suite)."""

TENANT_ID = "7e57da7a-0000-4000-8000-000000000001"
CLIENT_ID = "7e57da7a-0000-4000-8000-000000000002"
CLIENT_SECRET = "presence-dev-secret"
PUBLIC_CLIENT_ID = "7e57da7a-0000-4000-8000-000000000003"
USERS = (
    {"id": "7e57da7a-0000-4000-8000-0000000000a1", "userPrincipalName": "adele@presence.test",
     "password": "adele-dev-password"},
    {"id": "7e57da7a-0000-4000-8000-0000000000a2", "userPrincipalName": "alex@presence.test",
     "password": "alex-dev-password"},
)


def attach(target):
    """Sets the identities on `target` as attributes: tenant_id, client_id, client_secret,
    public_client_id, users (what PresenceServer and PresenceContainer expose)."""
    target.tenant_id = TENANT_ID
    target.client_id = CLIENT_ID
    target.client_secret = CLIENT_SECRET
    target.public_client_id = PUBLIC_CLIENT_ID
    target.users = [dict(user) for user in USERS]
