"""The pytest plugin of presence-emulator (entry point `pytest11`).

Fixtures:
  presence_server  (session) a started PresenceServer for the whole run
  presence         the same server, reset (to the seed, or empty) before each test
Options:
  --presence-seed FILE  a snapshot loaded at start and by every reset
  --presence-tls        serve HTTPS (`ca_path` is the CA to trust)
"""

import pytest

from ._server import PresenceServer


def pytest_addoption(parser):
    group = parser.getgroup("presence-emulator")
    group.addoption("--presence-seed", default=None, help="snapshot loaded at start and before each test")
    group.addoption("--presence-tls", action="store_true", default=False, help="serve HTTPS")


@pytest.fixture(scope="session")
def presence_server(request):
    server = PresenceServer(
        tls=request.config.getoption("--presence-tls"),
        seed=request.config.getoption("--presence-seed"),
    )
    with server:
        yield server


@pytest.fixture
def presence(presence_server):
    presence_server.reset()
    return presence_server
