// The scratch project's Jest configuration: presence-emulator's global setup and teardown
// (one server with TLS for the run, its values in PRESENCE_* variables).
module.exports = {
  globalSetup: "presence-emulator/jest-global-setup",
  globalTeardown: "presence-emulator/jest-global-teardown",
  testMatch: ["**/presence.jest.cjs"],
};
