// Jest `globalTeardown`: stops the server `presence-emulator/jest-global-setup` started.
module.exports = async function teardown() {
  await globalThis.__PRESENCE_SERVER__?.stop();
};
