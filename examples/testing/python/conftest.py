"""pytest fixtures for testing an app against presence (the Microsoft Graph presence API).

- `presence_url`: one in-memory server for the whole test session, on a free port, with no
  authentication (point your Graph client's base URL at `presence_url + "/v1.0"`).
- `presence` (autouse): before every test, the state is replaced by `seed.json`, so each test
  starts from the same known state, whatever the previous one did.

The server binary is `presence-server` on PATH, or the one PRESENCE_SERVER names.
"""

import os
import pathlib
import re
import subprocess
import threading

import pytest
import requests

SEED = pathlib.Path(__file__).parent.parent / "seed.json"


@pytest.fixture(scope="session")
def presence_url():
    server = subprocess.Popen(
        [os.environ.get("PRESENCE_SERVER", "presence-server"),
         "--in-memory", "--auth", "none", "--clock", "manual", "--listen", "127.0.0.1:0"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    url = None
    for line in server.stderr:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            url = found.group(1)
            break
    assert url, "the server did not start"
    # Keep reading its log, or the server would block once the pipe is full.
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(autouse=True)
def presence(presence_url):
    answer = requests.post(
        f"{presence_url}/admin/import?mode=replace",
        data=SEED.read_bytes(),
        headers={"content-type": "application/json"},
        timeout=10,
    )
    answer.raise_for_status()
    return presence_url
