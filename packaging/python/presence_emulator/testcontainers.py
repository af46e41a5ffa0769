"""PresenceContainer: the presence container image under testcontainers-python (install with
`pip install presence-emulator[testcontainers]`).

    with PresenceContainer("localhost/presence:0.1.0", tls=True) as presence:
        presence.graph_url, presence.authority_host, presence.ca_path, presence.client_id, ...

It waits for the image's stable ready line (`presence ready:`) and exposes the same values as
`PresenceServer`, on the mapped port.
"""

import io
import pathlib
import tarfile
import tempfile

from testcontainers.core.container import DockerContainer
from testcontainers.core.waiting_utils import wait_for_logs

from . import _identities

PORT = 8465


class PresenceContainer(DockerContainer):
    def __init__(self, image, tls=False, **kwargs):
        super().__init__(image, **kwargs)
        self.tls = tls
        self.with_exposed_ports(PORT)
        if tls:
            self.with_command("--tls")
        _identities.attach(self)
        self.ca_path = None

    def start(self):
        super().start()
        wait_for_logs(self, "presence ready:", timeout=120)
        if self.tls:
            stream, _ = self.get_wrapped_container().get_archive("/data/tls/ca.pem")
            archive = tarfile.open(fileobj=io.BytesIO(b"".join(stream)))
            ca = archive.extractfile("ca.pem").read()
            path = pathlib.Path(tempfile.mkdtemp(prefix="presence-ca-")) / "ca.pem"
            path.write_bytes(ca)
            self.ca_path = str(path)
        return self

    @property
    def base_url(self):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.get_container_host_ip()}:{self.get_exposed_port(PORT)}"

    @property
    def graph_url(self):
        return f"{self.base_url}/v1.0"

    @property
    def authority_host(self):
        return self.base_url
