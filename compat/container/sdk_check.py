"""The official Python SDK (azure-identity + msgraph-sdk) against the container image, with the
development identities and the CA taken from the container's /data volume (SSL_CERT_FILE).

Usage: python sdk_check.py ORIGIN set|get
  set: Adele becomes Busy/InACall for an hour, and reads so;
  get: Adele is still Busy/InACall (after the container was stopped and started).
Prints "sdk: ok" and exits 0, or exits 1 naming what differed. Run by tests/api/artifacts/image.rs.
"""

import asyncio
import sys

from azure.identity import ClientSecretCredential
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.users.item.presence.set_presence.set_presence_post_request_body import (
    SetPresencePostRequestBody,
)

TENANT = "7e57da7a-0000-4000-8000-000000000001"
CLIENT_ID, SECRET = "7e57da7a-0000-4000-8000-000000000002", "presence-dev-secret"
ADELE = "7e57da7a-0000-4000-8000-0000000000a1"


async def main(origin, mode):
    credential = ClientSecretCredential(TENANT, CLIENT_ID, SECRET, authority=origin,
                                        disable_instance_discovery=True)
    auth = AzureIdentityAuthenticationProvider(
        credential, scopes=["https://graph.microsoft.com/.default"], allowed_hosts=["127.0.0.1"])
    adapter = GraphRequestAdapter(auth)
    adapter.base_url = origin + "/v1.0"
    graph = GraphServiceClient(request_adapter=adapter)
    presence = graph.users.by_user_id(ADELE).presence
    if mode == "set":
        await presence.set_presence.post(SetPresencePostRequestBody(
            session_id=CLIENT_ID, availability="Busy", activity="InACall", expiration_duration="PT1H"))
    got = await presence.get()
    if (got.availability, got.activity) != ("Busy", "InACall"):
        print(f"Adele is {got.availability}/{got.activity}", file=sys.stderr)
        sys.exit(1)
    print("sdk: ok")


asyncio.run(main(sys.argv[1], sys.argv[2]))
