// Vitest `globalSetup`: one presence server with TLS for the whole run (MSAL refuses an http
// authority). Its values are `provide`d under the key "presence" (`inject("presence")`) and
// exported as PRESENCE_BASE_URL, PRESENCE_GRAPH_URL, PRESENCE_AUTHORITY_HOST,
// PRESENCE_TENANT_ID, PRESENCE_CLIENT_ID, PRESENCE_CLIENT_SECRET and PRESENCE_CA_PATH; and
// NODE_EXTRA_CA_CERTS names the CA, which test processes started after this (Vitest's default
// `forks` pool) trust. PRESENCE_SEED names a seed snapshot, if any.
import { startPresence, environment } from "./index.mjs";

export default async function setup({ provide }) {
  const server = await startPresence({ tls: true, seed: process.env.PRESENCE_SEED || undefined });
  const values = environment(server);
  Object.assign(process.env, values, { NODE_EXTRA_CA_CERTS: server.caPath });
  const { reset, stop, advanceClock, ...plain } = server;
  provide("presence", plain);
  return async () => server.stop();
}
