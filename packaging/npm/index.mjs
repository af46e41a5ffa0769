// ES module entry of presence-emulator (the implementation is index.cjs).
import core from "./index.cjs";

export const { startPresence, binary, environment, IDENTITIES } = core;
