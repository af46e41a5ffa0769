// presence-emulator/testcontainers under testcontainers-node, against a Docker-compatible API
// (podman's, here): the image with --tls, waited for by its ready line; a token from the
// container's authority and a presence read through it, trusting the CA copied out.
// Usage: node container_check.mjs IMAGE   (DOCKER_HOST names the API). Prints "container: ok".
import https from "node:https";
import fs from "node:fs";
import { PresenceContainer } from "presence-emulator/testcontainers";

function call(url, options, body) {
  return new Promise((resolve, reject) => {
    const request = https.request(url, options, (response) => {
      const chunks = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode, body: JSON.parse(Buffer.concat(chunks).toString() || "null") }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

const presence = await new PresenceContainer(process.argv[2]).withTls().start();
try {
  const ca = fs.readFileSync(presence.caPath);
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: presence.clientId,
    client_secret: presence.clientSecret, scope: "https://graph.microsoft.com/.default" }).toString();
  const token = await call(`${presence.authorityHost}/${presence.tenantId}/oauth2/v2.0/token`,
    { method: "POST", ca, headers: { "content-type": "application/x-www-form-urlencoded" } }, form);
  if (token.status !== 200) throw new Error(`token: ${token.status}`);
  const read = await call(`${presence.graphUrl}/users/${presence.users[0].id}/presence`,
    { ca, headers: { authorization: `Bearer ${token.body.access_token}` } });
  if (read.status !== 200 || read.body.availability !== "Offline") throw new Error(`read: ${JSON.stringify(read)}`);
  console.log("container: ok");
} finally {
  await presence.stop();
}
