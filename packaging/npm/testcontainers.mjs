// PresenceContainer for testcontainers-node: the presence image, waited for by its stable
// ready line, exposing the same values as startPresence (on the mapped port).
//   const presence = await new PresenceContainer("localhost/presence:0.1.0").withTls().start();
import { GenericContainer, Wait } from "testcontainers";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import core from "./index.cjs";

const PORT = 8465;

export class PresenceContainer extends GenericContainer {
  constructor(image) {
    super(image);
    this.tls = false;
    this.withExposedPorts(PORT).withWaitStrategy(Wait.forLogMessage("presence ready:"));
  }

  /** Serve HTTPS (the container's local CA is copied out: `caPath`). */
  withTls() {
    this.tls = true;
    return this.withCommand(["--tls"]);
  }

  async start() {
    const started = await super.start();
    const baseUrl = `${this.tls ? "https" : "http"}://${started.getHost()}:${started.getMappedPort(PORT)}`;
    let caPath;
    if (this.tls) {
      const { output } = await started.exec(["cat", "/data/tls/ca.pem"]);
      caPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "presence-ca-")), "ca.pem");
      fs.writeFileSync(caPath, output);
    }
    return Object.assign(started, {
      ...core.IDENTITIES, baseUrl, graphUrl: `${baseUrl}/v1.0`, authorityHost: baseUrl, caPath,
    });
  }
}
