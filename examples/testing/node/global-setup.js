// Vitest globalSetup (Jest's globalSetup/globalTeardown work the same way): one in-memory
// presence server, on a free port, for the whole run; its URL reaches the tests through
// `inject("presenceUrl")`. The binary is `presence-server` on PATH, or PRESENCE_SERVER.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export default async function setup({ provide }) {
  const server = spawn(
    process.env.PRESENCE_SERVER ?? "presence-server",
    ["--in-memory", "--auth", "none", "--clock", "manual", "--listen", "127.0.0.1:0"],
    { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  const url = await new Promise((resolve, reject) => {
    server.once("exit", (code) => reject(new Error(`presence-server exited (${code})`)));
    // Not found (not on PATH, PRESENCE_SERVER wrong): say so, rather than exit silently.
    server.once("error", (error) =>
      reject(new Error(`cannot start presence-server (put it on PATH or set PRESENCE_SERVER): ${error.message}`)),
    );
    createInterface({ input: server.stderr }).on("line", (line) => {
      const found = line.match(/listening on (http:\/\/\S+)/);
      if (found) resolve(found[1]);
    });
  });
  provide("presenceUrl", url);
  return async () => {
    server.kill("SIGTERM");
  };
}
