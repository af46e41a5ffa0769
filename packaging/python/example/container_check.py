"""presence_emulator.testcontainers.PresenceContainer under testcontainers-python, against a
Docker-compatible API (podman's, here): the image with --tls, waited for by its ready line,
then the official SDK sets and reads presence with the container's values and CA.

Usage: python container_check.py IMAGE   (DOCKER_HOST names the API). Prints "container: ok".
"""

import asyncio
import os
import sys

from test_presence import ADELE, graph_for
from msgraph.generated.users.item.presence.set_presence.set_presence_post_request_body import (
    SetPresencePostRequestBody,
)
from presence_emulator.testcontainers import PresenceContainer


async def scenario(presence):
    graph = graph_for(presence)
    await graph.users.by_user_id(ADELE).presence.set_presence.post(SetPresencePostRequestBody(
        session_id=presence.client_id, availability="Away", activity="Away", expiration_duration="PT1H"))
    got = await graph.users.by_user_id(ADELE).presence.get()
    assert (got.availability, got.activity) == ("Away", "Away"), got


with PresenceContainer(sys.argv[1], tls=True) as presence:
    assert presence.graph_url.startswith("https://"), presence.graph_url
    assert os.path.exists(presence.ca_path)
    asyncio.run(scenario(presence))
print("container: ok")
