// presence-emulator: start an in-memory presence server (this package's binary) on a free
// port, with the development identities, and wait for its ready line.
"use strict";
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { createInterface } = require("node:readline");

const READY = "presence ready: ";
const IDENTITIES = {
  tenantId: "7e57da7a-0000-4000-8000-000000000001",
  clientId: "7e57da7a-0000-4000-8000-000000000002",
  clientSecret: "presence-dev-secret",
  publicClientId: "7e57da7a-0000-4000-8000-000000000003",
  users: [
    { id: "7e57da7a-0000-4000-8000-0000000000a1", userPrincipalName: "adele@presence.test", password: "adele-dev-password" },
    { id: "7e57da7a-0000-4000-8000-0000000000a2", userPrincipalName: "alex@presence.test", password: "alex-dev-password" },
  ],
};

/** The path of a bundled executable: `presence-server` or `presencectl`. */
function binary(name) {
  return path.join(__dirname, "bin", name);
}

/** Calls the control plane (admin token, trusting the server's CA). */
function admin(baseUrl, token, ca, method, route, body) {
  const url = new URL(route, baseUrl);
  const transport = require(url.protocol === "https:" ? "node:https" : "node:http");
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method, ca,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json",
        ...(data ? { "content-length": data.length } : {}) },
    }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        if (response.statusCode >= 400) reject(new Error(`${method} ${route}: ${response.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    request.on("error", reject);
    request.end(data);
  });
}

/**
 * Starts a server. `tls`: HTTPS with a local CA (`caPath`), as MSAL requires; `seed`: a
 * snapshot file loaded at start and by `reset()`. Resolves to
 * {baseUrl, graphUrl, authorityHost, tenantId, clientId, clientSecret, publicClientId, users,
 *  caPath, reset(), stop()}.
 */
async function startPresence({ tls = false, seed = undefined, timeoutMs = 60000 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "presence-"));
  const args = ["--in-memory", "--data-dir", dir, "--listen", "127.0.0.1:0"];
  if (tls) args.push("--tls");
  if (seed) args.push("--seed", seed);
  const log = fs.openSync(path.join(dir, "server.log"), "w");
  const child = spawn(binary("presence-server"), args, {
    env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", log],
  });
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`presence-server not ready in ${timeoutMs} ms; log: ${dir}/server.log`)), timeoutMs);
    child.once("error", (error) => { clearTimeout(timer); reject(new Error(`cannot start presence-server: ${error.message}`)); });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`presence-server exited (${code}); log: ${dir}/server.log`)); });
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith(READY)) { clearTimeout(timer); resolve(line.slice(READY.length).trim()); }
    });
  });
  child.removeAllListeners("exit");
  const token = execFileSync(binary("presencectl"), ["token", "--admin", "--server-data-dir", dir]).toString().trim();
  const caPath = tls ? path.join(dir, "tls", "ca.pem") : undefined;
  const ca = caPath ? fs.readFileSync(caPath) : undefined;
  const call = (method, route, body) => admin(baseUrl, token, ca, method, route, body);
  return {
    ...IDENTITIES,
    baseUrl,
    graphUrl: `${baseUrl}/v1.0`,
    authorityHost: baseUrl,
    caPath,
    /** Back to the seed, or to nothing without one. */
    async reset() {
      if (seed) await call("POST", "/admin/import?mode=replace", JSON.parse(fs.readFileSync(seed, "utf8")));
      else await call("POST", "/admin/reset", {});
    },
    /** Moves a `--clock manual` server's clock on ("PT6M"). */
    advanceClock: (by) => call("POST", "/admin/clock/advance", { by }),
    /** Stops the server and removes its folder. */
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment variables the test setups export, from a started server's values. */
function environment(server) {
  return {
    PRESENCE_BASE_URL: server.baseUrl,
    PRESENCE_GRAPH_URL: server.graphUrl,
    PRESENCE_AUTHORITY_HOST: server.authorityHost,
    PRESENCE_TENANT_ID: server.tenantId,
    PRESENCE_CLIENT_ID: server.clientId,
    PRESENCE_CLIENT_SECRET: server.clientSecret,
    PRESENCE_CA_PATH: server.caPath ?? "",
  };
}

module.exports = { startPresence, binary, environment, IDENTITIES };
