// Drive a presence server with the official Microsoft Graph JavaScript client
// (@microsoft/microsoft-graph-client), unchanged except for its base URL.
//
// Usage: node graph_js_compat.mjs ORIGIN   (e.g. http://127.0.0.1:8465; a server with
// --auth none: this client attaches no token to a plain-http base URL)
//
// Exits 0 when every step behaved as against Microsoft Graph; otherwise prints the failing
// step and exits 1. Run by the Rust test `js_sdk_compat`.
import graph from "@microsoft/microsoft-graph-client";

const { Client, BatchRequestContent, BatchResponseContent } = graph;
const USER = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const OTHER = "66825e03-7ef5-42da-9069-724602c31f6b";
const APP = "22553876-f5ab-4529-bffb-cfe50aa89f87";

function check(condition, what) {
  if (!condition) throw new Error(what);
  console.log(`ok: ${what}`);
}

async function main(origin) {
  const client = Client.init({
    baseUrl: origin,
    defaultVersion: "v1.0",
    authProvider: (done) => done(null, "development"),
  });
  const json = { "Content-Type": "application/json" };
  const request = (id, method, url, body) =>
    new Request(`${origin}/v1.0${url}`, {
      method,
      headers: body ? json : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
  const batch = new BatchRequestContent([
    {
      id: "set",
      request: request("set", "POST", `/users/${USER}/presence/setPresence`, {
        sessionId: APP,
        availability: "DoNotDisturb",
        activity: "Presenting",
        expirationDuration: "PT1H",
      }),
    },
    { id: "read", request: request("read", "GET", `/users/${USER}/presence`), dependsOn: ["set"] },
    {
      id: "bulk",
      request: request("bulk", "POST", "/communications/getPresencesByUserId", { ids: [OTHER, USER] }),
      dependsOn: ["set"],
    },
  ]);
  const answer = await client.api("/$batch").post(await batch.getContent());
  const responses = new BatchResponseContent(answer);
  check(responses.getResponseById("set").status === 200, "setPresence inside a batch");
  const read = await responses.getResponseById("read").json();
  check(read.activity === "Presenting", "a dependent read sees the write (dependsOn)");
  const bulk = await responses.getResponseById("bulk").json();
  check(bulk.value.map((p) => p.id).join() === [OTHER, USER].join(), "a bulk read inside a batch");
  const direct = await client.api(`/users/${USER}/presence`).get();
  check(direct.availability === "DoNotDisturb", "the client's own GET agrees");
}

main(process.argv[2]).catch((error) => {
  console.error(`FAILED: ${error.message ?? error}`);
  process.exit(1);
});
