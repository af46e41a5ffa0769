"""Get tokens from presence's own authority with the official credential libraries, unchanged
but for configuration, and use them with the official Graph SDK over HTTPS.

Usage: python identity_compat.py ORIGIN TENANT CLIENT SECRET CERT_CLIENT CERT_AND_KEY_PEM USER_UPN PASSWORD USER_ID PUBLIC_CLIENT
  ORIGIN            e.g. https://127.0.0.1:8465 (a server started with --tls --identities FILE)
  CERT_AND_KEY_PEM  a file with the private key and certificate registered for CERT_CLIENT
  PUBLIC_CLIENT     an application registered with no credential, for the user's sign-in
                    (a confidential client must send its secret, which this credential cannot)

The server's CA is trusted through the environment only (SSL_CERT_FILE, REQUESTS_CA_BUNDLE).
Exits 0 when every step behaved as against Entra and Graph; otherwise prints the failing
step and exits 1. Run by the Rust test `identity_compat`.
"""

import asyncio
import datetime
import os
import sys
from urllib.parse import urlparse

import msal
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CertificateCredential, ClientSecretCredential, UsernamePasswordCredential
from kiota_abstractions.api_error import APIError
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.users.item.presence.clear_presence.clear_presence_post_request_body import (
    ClearPresencePostRequestBody,
)
from msgraph.generated.users.item.presence.set_presence.set_presence_post_request_body import (
    SetPresencePostRequestBody,
)

GRAPH_DEFAULT = "https://graph.microsoft.com/.default"
SOMEONE = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3"


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)
    print(f"ok: {what}")


def graph(credential, origin: str, scopes) -> GraphServiceClient:
    """The Graph SDK with `credential`, against presence: the base URL, and the host allowed
    to receive the token (the SDK sends tokens to Microsoft's Graph hosts only by default)."""
    host = urlparse(origin).hostname
    auth = AzureIdentityAuthenticationProvider(credential, scopes=scopes, allowed_hosts=[host])
    adapter = GraphRequestAdapter(auth)
    adapter.base_url = f"{origin}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


async def scenario(client: GraphServiceClient, app_id: str, who: str) -> None:
    presence = client.users.by_user_id(SOMEONE).presence
    await presence.set_presence.post(SetPresencePostRequestBody(
        session_id=app_id, availability="Busy", activity="InACall",
        expiration_duration=datetime.timedelta(hours=1)))
    got = await presence.get()
    check((got.availability, got.activity) == ("Busy", "InACall"), f"{who}: set then get")
    await presence.clear_presence.post(ClearPresencePostRequestBody(session_id=app_id))
    got = await presence.get()
    check(got.availability == "Offline", f"{who}: clear")
    try:
        await presence.clear_presence.post(ClearPresencePostRequestBody(session_id=app_id))
        check(False, f"{who}: a second clear fails")
    except APIError as error:
        check(error.response_status_code == 404, f"{who}: a second clear is 404")


async def main(origin, tenant, client, secret, cert_client, cert_path, upn, password, user_id,
               public_client):
    # azure-identity's ClientSecretCredential with this server as its authority host.
    secret_credential = ClientSecretCredential(
        tenant, client, secret, authority=origin, disable_instance_discovery=True)
    await scenario(graph(secret_credential, origin, [GRAPH_DEFAULT]), client, "ClientSecretCredential")

    # CertificateCredential: a client assertion signed with the registered certificate.
    cert_credential = CertificateCredential(
        tenant, cert_client, certificate_path=cert_path, authority=origin,
        disable_instance_discovery=True)
    token = cert_credential.get_token(GRAPH_DEFAULT)
    check(len(token.token) > 100 and token.expires_on > 0, "CertificateCredential gets a token")
    got = await graph(cert_credential, origin, [GRAPH_DEFAULT]).users.by_user_id(SOMEONE).presence.get()
    check(got.id == SOMEONE, "CertificateCredential: get")

    # UsernamePasswordCredential (ROPC): a delegated token, /me/presence. MSAL's user realm
    # discovery drops the authority's port: this needs the server on 443.
    if os.environ.get("PRESENCE_SKIP_PASSWORD_SIGN_IN"):
        print("skipped: UsernamePasswordCredential (the server is not on port 443 here)")
    else:
        user_credential = UsernamePasswordCredential(
            public_client, upn, password, tenant_id=tenant, authority=origin,
            disable_instance_discovery=True)
        me = graph(user_credential, origin,
                   ["https://graph.microsoft.com/Presence.ReadWrite"]).me.presence
        await me.set_presence.post(SetPresencePostRequestBody(
            session_id=public_client, availability="Available", activity="Available",
            expiration_duration=datetime.timedelta(hours=1)))
        got = await me.get()
        check((got.id, got.availability) == (user_id, "Available"),
              "UsernamePasswordCredential: /me/presence")

    # Refusals come back as azure-identity's authentication errors.
    wrong = ClientSecretCredential(tenant, client, "wrong", authority=origin,
                                   disable_instance_discovery=True)
    try:
        wrong.get_token(GRAPH_DEFAULT)
        check(False, "a wrong secret is refused")
    except ClientAuthenticationError as error:
        check("AADSTS7000215" in str(error), "a wrong secret: AADSTS7000215")

    # MSAL's confidential client, its authority validated through this server's instance
    # discovery endpoint (the default one is on login.microsoftonline.com).
    app = msal.ConfidentialClientApplication(
        client, client_credential=secret, authority=f"{origin}/{tenant}",
        instance_discovery=f"{origin}/common/discovery/instance")
    result = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    check("access_token" in result, f"msal acquire_token_for_client: {result.get('error_description', '')}")
    again = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    check(again.get("token_source") == "cache", "msal caches the token")
    unknown = msal.ConfidentialClientApplication(
        "00000000-1111-2222-3333-444444444444", client_credential=secret,
        authority=f"{origin}/{tenant}", instance_discovery=False)
    refused = unknown.acquire_token_for_client(scopes=[GRAPH_DEFAULT])
    check(refused.get("error") == "unauthorized_client" and 700016 in refused.get("error_codes", []),
          "msal: an unknown client is AADSTS700016")


if __name__ == "__main__":
    if len(sys.argv) != 11:
        sys.exit(__doc__)
    try:
        asyncio.run(main(*sys.argv[1:]))
    except Exception as error:  # noqa: BLE001 - report any failure as a failed step
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
