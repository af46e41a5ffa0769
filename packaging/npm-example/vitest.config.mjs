// The scratch project's Vitest configuration: presence-emulator's global setup starts one
// server with TLS for the run. `forks`: test processes are started after the setup, so they
// inherit NODE_EXTRA_CA_CERTS and trust the server's CA.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["presence-emulator/vitest-global-setup"],
    pool: "forks",
    testTimeout: 30000,
  },
});
