// Get a token from presence's own authority with @azure/identity's ClientSecretCredential and
// use it with the official Graph JavaScript client over HTTPS, unchanged but for
// configuration: the authority host, the Graph base URL, and the host allowed to receive
// tokens (customHosts). The server's CA is trusted through NODE_EXTRA_CA_CERTS only.
//
// Usage: node identity_compat.mjs ORIGIN TENANT CLIENT_ID SECRET
//
// Exits 0 when every step behaved as against Entra and Graph; otherwise prints the failing
// step and exits 1. Run by the Rust test `identity_compat`.
import { ClientSecretCredential } from "@azure/identity";
import graph from "@microsoft/microsoft-graph-client";
import azure from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";

const { Client } = graph;
const { TokenCredentialAuthenticationProvider } = azure;
const USER = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";

function check(condition, what) {
  if (!condition) throw new Error(what);
  console.log(`ok: ${what}`);
}

async function main(origin, tenant, clientId, secret) {
  const credential = new ClientSecretCredential(tenant, clientId, secret, {
    authorityHost: origin,
    disableInstanceDiscovery: true,
  });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    scopes: ["https://graph.microsoft.com/.default"],
  });
  const client = Client.initWithMiddleware({
    authProvider,
    baseUrl: origin,
    defaultVersion: "v1.0",
    customHosts: new Set([new URL(origin).hostname]),
  });
  const presence = `/users/${USER}/presence`;
  await client.api(`${presence}/setPresence`).post({
    sessionId: clientId,
    availability: "Busy",
    activity: "InACall",
    expirationDuration: "PT1H",
  });
  let got = await client.api(presence).get();
  check(got.availability === "Busy" && got.activity === "InACall", "set then get");
  check(got["@odata.context"].startsWith("https://"), "the context URL is https");
  await client.api(`${presence}/clearPresence`).post({ sessionId: clientId });
  got = await client.api(presence).get();
  check(got.availability === "Offline", "clear");
  try {
    await client.api(`${presence}/clearPresence`).post({ sessionId: clientId });
    check(false, "a second clear fails");
  } catch (error) {
    check(error.statusCode === 404 && error.code === "NotFound", "a second clear is 404 NotFound");
  }
  const wrong = new ClientSecretCredential(tenant, clientId, "wrong", {
    authorityHost: origin,
    disableInstanceDiscovery: true,
  });
  try {
    await wrong.getToken("https://graph.microsoft.com/.default");
    check(false, "a wrong secret is refused");
  } catch (error) {
    check(String(error.message).includes("AADSTS7000215"), "a wrong secret: AADSTS7000215");
  }
}

main(...process.argv.slice(2)).catch((error) => {
  console.error(`FAILED: ${error.stack || error}`);
  process.exit(1);
});
