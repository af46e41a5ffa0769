// Before every test, the state is replaced by ../seed.json: each test starts from the same
// known state, whatever the previous one did.
import { readFileSync } from "node:fs";
import { beforeEach, inject } from "vitest";

const seed = readFileSync(new URL("../seed.json", import.meta.url), "utf8");

beforeEach(async () => {
  const answer = await fetch(`${inject("presenceUrl")}/admin/import?mode=replace`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: seed,
  });
  if (!answer.ok) throw new Error(`seeding failed: ${answer.status}`);
});
