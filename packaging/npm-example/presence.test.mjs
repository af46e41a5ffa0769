// An app's test suite using presence-emulator's Vitest setup with the official libraries,
// configured only: @azure/identity gets a token from the server's authority and the Graph
// JavaScript client sets and reads presence with it.
import { ClientSecretCredential } from "@azure/identity";
import graph from "@microsoft/microsoft-graph-client";
import azure from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { expect, inject, test } from "vitest";

const ADELE = "7e57da7a-0000-4000-8000-0000000000a1";

test("the setup provides the server and exports its values", () => {
  const presence = inject("presence");
  expect(presence.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(process.env.PRESENCE_GRAPH_URL).toBe(`${presence.baseUrl}/v1.0`);
  expect(process.env.PRESENCE_TENANT_ID).toBe(presence.tenantId);
  expect(process.env.PRESENCE_CA_PATH).toBe(presence.caPath);
});

test("an app sets and reads presence over HTTPS", async () => {
  const credential = new ClientSecretCredential(
    process.env.PRESENCE_TENANT_ID, process.env.PRESENCE_CLIENT_ID, process.env.PRESENCE_CLIENT_SECRET,
    { authorityHost: process.env.PRESENCE_AUTHORITY_HOST, disableInstanceDiscovery: true });
  const client = graph.Client.initWithMiddleware({
    authProvider: new azure.TokenCredentialAuthenticationProvider(credential,
      { scopes: ["https://graph.microsoft.com/.default"] }),
    baseUrl: process.env.PRESENCE_BASE_URL,
    defaultVersion: "v1.0",
    customHosts: new Set([new URL(process.env.PRESENCE_BASE_URL).hostname]),
  });
  await client.api(`/users/${ADELE}/presence/setPresence`).post({
    sessionId: process.env.PRESENCE_CLIENT_ID, availability: "Busy", activity: "InACall",
    expirationDuration: "PT1H",
  });
  const got = await client.api(`/users/${ADELE}/presence`).get();
  expect([got.availability, got.activity]).toEqual(["Busy", "InACall"]);
});
