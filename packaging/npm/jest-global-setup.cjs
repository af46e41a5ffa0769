// Jest `globalSetup`: one presence server with TLS for the whole run, its values exported as
// PRESENCE_* environment variables (and NODE_EXTRA_CA_CERTS, for test workers started after
// this). Pair it with `presence-emulator/jest-global-teardown`.
const { startPresence, environment } = require("./index.cjs");

module.exports = async function setup() {
  const server = await startPresence({ tls: true, seed: process.env.PRESENCE_SEED || undefined });
  Object.assign(process.env, environment(server), { NODE_EXTRA_CA_CERTS: server.caPath });
  globalThis.__PRESENCE_SERVER__ = server;
};
