import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: "./global-setup.js",
    setupFiles: ["./reset.js"],
    // One server, shared state: run the tests of a file, and the files, one at a time.
    fileParallelism: false,
  },
});
