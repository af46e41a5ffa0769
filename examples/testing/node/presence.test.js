// What an app's tests look like with global-setup.js and reset.js.
import { expect, inject, test } from "vitest";

const ALICE = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
const BOB = "66825e03-7ef5-42da-9069-724602c31f6b";
const base = () => inject("presenceUrl");
const presenceOf = async (user) => (await fetch(`${base()}/v1.0/users/${user}/presence`)).json();

test("the seed is loaded", async () => {
  const alice = await presenceOf(ALICE);
  expect([alice.availability, alice.activity]).toEqual(["Busy", "InAMeeting"]);
  const bob = await presenceOf(BOB);
  expect([bob.availability, bob.activity]).toEqual(["AvailableIdle", "OutOfOffice"]);
  expect(bob.outOfOfficeSettings).toEqual({ message: "Back on Monday", isOutOfOffice: true });
});

test("a test may change anything", async () => {
  const answer = await fetch(`${base()}/admin/clock/advance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ by: "PT10M" }),
  });
  expect(answer.status).toBe(200);
  expect((await presenceOf(BOB)).availability).toBe("Away");
});

test("the next test starts from the seed again", async () => {
  expect((await presenceOf(BOB)).availability).toBe("AvailableIdle");
});
