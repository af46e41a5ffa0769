// Jest, with presence-emulator's setup: a token from the server's authority with the
// development identities, then a presence read, over HTTPS trusting PRESENCE_CA_PATH.
const fs = require("node:fs");
const https = require("node:https");

function call(url, options, body) {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { ...options, ca: fs.readFileSync(process.env.PRESENCE_CA_PATH) }, (response) => {
      const chunks = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode, body: JSON.parse(Buffer.concat(chunks).toString() || "null") }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

test("the setup's server answers with the development identities", async () => {
  expect(process.env.PRESENCE_GRAPH_URL).toBe(`${process.env.PRESENCE_BASE_URL}/v1.0`);
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: process.env.PRESENCE_CLIENT_ID,
    client_secret: process.env.PRESENCE_CLIENT_SECRET, scope: "https://graph.microsoft.com/.default" }).toString();
  const token = await call(`${process.env.PRESENCE_AUTHORITY_HOST}/${process.env.PRESENCE_TENANT_ID}/oauth2/v2.0/token`,
    { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }, form);
  expect(token.status).toBe(200);
  const read = await call(`${process.env.PRESENCE_GRAPH_URL}/users/7e57da7a-0000-4000-8000-0000000000a1/presence`,
    { headers: { authorization: `Bearer ${token.body.access_token}` } });
  expect(read.status).toBe(200);
  expect(read.body.availability).toBe("Offline");
});
