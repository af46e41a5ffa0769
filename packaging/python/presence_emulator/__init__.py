"""presence-emulator: the presence server (a local emulator of the Microsoft Graph presence API)
and presencectl, packaged for Python test suites.

    from presence_emulator import PresenceServer

    with PresenceServer(tls=True) as server:
        ...  # point azure-identity at server.authority_host and msgraph at server.graph_url

The pytest plugin (installed with the package) offers the fixtures `presence_server` and
`presence`; `presence_emulator.testcontainers.PresenceContainer` runs the container image.
"""

from ._server import PresenceServer, binary
from ._identities import (
    CLIENT_ID,
    CLIENT_SECRET,
    PUBLIC_CLIENT_ID,
    TENANT_ID,
    USERS,
)

__all__ = [
    "PresenceServer",
    "binary",
    "TENANT_ID",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "PUBLIC_CLIENT_ID",
    "USERS",
]
