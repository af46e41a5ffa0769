"""A test suite of an app that shows presence, using presence-emulator's pytest fixtures: the
official Graph SDK and azure-identity, configured only (the CA through the environment, as an
app would be). Run with `pytest --presence-tls`."""

import asyncio
import os

import pytest
from azure.identity import ClientSecretCredential
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.users.item.presence.set_presence.set_presence_post_request_body import (
    SetPresencePostRequestBody,
)


def graph_for(server):
    os.environ["SSL_CERT_FILE"] = server.ca_path
    os.environ["REQUESTS_CA_BUNDLE"] = server.ca_path
    credential = ClientSecretCredential(
        server.tenant_id, server.client_id, server.client_secret,
        authority=server.authority_host, disable_instance_discovery=True)
    auth = AzureIdentityAuthenticationProvider(
        credential, scopes=["https://graph.microsoft.com/.default"],
        allowed_hosts=[server.base_url.split("://")[1].split(":")[0]])
    adapter = GraphRequestAdapter(auth)
    adapter.base_url = server.graph_url
    return GraphServiceClient(request_adapter=adapter)


ADELE = "7e57da7a-0000-4000-8000-0000000000a1"


def test_the_session_server_serves_https_with_the_development_identities(presence_server):
    assert presence_server.base_url.startswith("https://127.0.0.1:")
    assert presence_server.graph_url == presence_server.base_url + "/v1.0"
    assert os.path.exists(presence_server.ca_path)


def test_an_app_sets_and_reads_presence(presence):
    async def scenario():
        graph = graph_for(presence)
        body = SetPresencePostRequestBody(
            session_id=presence.client_id, availability="Busy", activity="InACall",
            expiration_duration="PT1H")
        await graph.users.by_user_id(ADELE).presence.set_presence.post(body)
        got = await graph.users.by_user_id(ADELE).presence.get()
        assert (got.availability, got.activity) == ("Busy", "InACall")
    asyncio.run(scenario())


def test_each_test_starts_from_a_reset_state(presence):
    async def scenario():
        got = await graph_for(presence).users.by_user_id(ADELE).presence.get()
        assert got.availability == "Offline", "the previous test's presence is gone"
    asyncio.run(scenario())



def test_a_manual_clock_moves_and_a_snapshot_replaces_the_state():
    """PresenceServer's other controls, on a server of its own."""
    import datetime
    import pathlib

    from presence_emulator import PresenceServer

    def instant(text):
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))

    seed = pathlib.Path(__file__).parents[3] / "examples/testing/seed.json"  # the README's seed
    with PresenceServer(clock="manual") as server:
        before = instant(server._admin("GET", "/admin/clock", None)["now"])
        after = instant(server.advance_clock("PT6M")["now"])
        assert after - before == datetime.timedelta(minutes=6)
        server.import_snapshot(seed)
        exported = server._admin("GET", "/admin/export", None)
        users = [u["id"] for t in exported["tenants"] for u in t["users"]]
        assert "fa8bf3dc-eca7-46b7-bad1-db199b62afc3" in users
