"""PresenceServer: an in-memory presence server on a free port, for one test run."""

import json
import os
import pathlib
import queue
import shutil
import ssl
import subprocess
import sysconfig
import tempfile
import threading
import urllib.request

from . import _identities

READY = "presence ready: "


def binary(name="presence-server"):
    """The path of a bundled executable (`presence-server` or `presencectl`): the one this
    package installed, else `PRESENCE_SERVER` (for the server), else the one on PATH."""
    installed = pathlib.Path(sysconfig.get_path("scripts")) / name
    if installed.exists():
        return str(installed)
    if name == "presence-server" and os.environ.get("PRESENCE_SERVER"):
        return os.environ["PRESENCE_SERVER"]
    found = shutil.which(name)
    if found:
        return found
    raise FileNotFoundError(f"{name} is not installed with presence-emulator nor on PATH")


class PresenceServer:
    """An in-memory presence server on a free loopback port, with the development identities.

    tls:   serve HTTPS with a local CA (`ca_path`), as MSAL and azure-identity require.
    seed:  a snapshot file (GET /admin/export's format) loaded at start and by `reset()`.
    clock: "system", or "manual" (time moves only through `advance_clock`).
    """

    def __init__(self, tls=False, seed=None, clock="system", start_timeout=60.0):
        self.tls = tls
        self.seed = os.fspath(seed) if seed is not None else None
        self.clock = clock
        self.start_timeout = start_timeout
        _identities.attach(self)
        self.base_url = None
        self._process = None
        self._dir = None
        self._admin_token = None

    @property
    def graph_url(self):
        return f"{self.base_url}/v1.0"

    @property
    def authority_host(self):
        """The authority's root, as Entra's https://login.microsoftonline.com (no tenant)."""
        return self.base_url

    @property
    def ca_path(self):
        """The CA to trust for `tls=True` (SSL_CERT_FILE, REQUESTS_CA_BUNDLE), else None."""
        if not self.tls or self._dir is None:
            return None
        return str(pathlib.Path(self._dir) / "tls" / "ca.pem")

    def start(self):
        """Starts the server and waits for its ready line."""
        if self._process is not None:
            return self
        self._dir = tempfile.mkdtemp(prefix="presence-")
        args = [binary("presence-server"), "--in-memory", "--data-dir", self._dir,
                "--listen", "127.0.0.1:0", "--clock", self.clock]
        if self.tls:
            args.append("--tls")
        if self.seed is not None:
            args += ["--seed", self.seed]
        log = open(pathlib.Path(self._dir) / "server.log", "wb")
        self._process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
            env={**os.environ, "NO_COLOR": "1"}, text=True)
        lines = queue.Queue()

        def read():
            for line in self._process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        try:
            line = lines.get(timeout=self.start_timeout)
        except queue.Empty:
            line = None
        if not line or not line.startswith(READY):
            self.stop()
            raise RuntimeError(
                f"presence-server did not become ready; its log: {pathlib.Path(self._dir) / 'server.log'}")
        self.base_url = line[len(READY):].strip()
        self._admin_token = subprocess.run(
            [binary("presencectl"), "token", "--admin", "--server-data-dir", self._dir],
            check=True, capture_output=True, text=True).stdout.strip()
        return self

    def stop(self):
        """Stops the server (gracefully, then for good) and removes its folder."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # The control plane.

    def reset(self):
        """Back to the seed, or to nothing without one."""
        if self.seed is not None:
            self.import_snapshot(self.seed)
        else:
            self._admin("POST", "/admin/reset", {})

    def import_snapshot(self, path_or_dict):
        """Replaces the whole state with a snapshot (a file's path, or the document itself)."""
        if isinstance(path_or_dict, dict):
            document = path_or_dict
        else:
            document = json.loads(pathlib.Path(path_or_dict).read_text())
        self._admin("POST", "/admin/import?mode=replace", document)

    def advance_clock(self, by):
        """Moves the manual clock on by an ISO 8601 duration ("PT6M")."""
        return self._admin("POST", "/admin/clock/advance", {"by": by})

    def _admin(self, method, path, body):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self._admin_token}",
                     "Content-Type": "application/json"})
        context = ssl.create_default_context(cafile=self.ca_path) if self.tls else None
        with urllib.request.urlopen(request, timeout=30, context=context) as answer:
            text = answer.read().decode()
            return json.loads(text) if text else None
