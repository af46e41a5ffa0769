// Users: every user of the tenant with state, coloured as Teams colours presence, live; the
// tenant's recent changes; setting a session through Graph; resets.

import { api, seg } from "./api.js";
import { h, dot, colour, when, pairSelect, field, SESSION_PAIRS } from "./format.js";

export function render(root, ctx) {
  const filter = h("input", { id: "user-filter", type: "search", placeholder: "user id", "aria-label": "Filter users by id" });
  const body = h("tbody");
  const count = h("p", { class: "muted", role: "status" });
  const changes = h("ol", { class: "changes", "aria-label": "Recent changes" });
  const recent = ctx.recent;

  const setForm = h(
    "form",
    { class: "action", "aria-labelledby": "set-title" },
    h("h3", { id: "set-title" }, "Set a session (Graph setPresence)"),
    field("user", "User id", { required: true, autocomplete: "off" }),
    pairSelect("pair", SESSION_PAIRS, "Availability / activity"),
    field("session", "Session id", { value: ctx.appId, required: true }),
    field("minutes", "Expires after (minutes)", { type: "number", min: 5, max: 240, value: 60 }),
    h("button", { type: "submit" }, "Set presence"),
  );
  setForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(setForm);
    const [availability, activity] = String(data.get("pair")).split("/");
    const id = String(data.get("user")).trim();
    ctx.act(`Set ${id}`, () =>
      api("POST", `/v1.0/users/${seg(id)}/presence/setPresence`, {
        sessionId: String(data.get("session")).trim(),
        availability,
        activity,
        expirationDuration: `PT${Number(data.get("minutes")) || 60}M`,
      }),
    );
  });

  const resets = h(
    "div",
    { class: "action" },
    h("h3", {}, "Reset"),
    h("button", { type: "button", class: "danger", onclick: () => reset(ctx, { tenant: ctx.tenant }, `every user of tenant ${ctx.tenant}`) }, "Reset this tenant"),
    h("button", { type: "button", class: "danger", onclick: () => reset(ctx, {}, "every tenant") }, "Reset everything"),
  );

  root.append(
    h("h2", {}, "Users of ", h("code", {}, ctx.tenant)),
    h("div", { class: "split" },
      h("section", { class: "grow", "aria-label": "Users" },
        h("div", { class: "tools" }, h("label", { for: "user-filter" }, "Filter"), filter, count),
        h("table", { class: "users", id: "users-table" },
          h("thead", {}, h("tr", {},
            ["", "User", "Availability", "Activity", "Status message", "Out of office", "Work location", "Sessions"].map((c) => h("th", { scope: "col" }, c)))),
          body)),
      h("aside", { class: "side" },
        h("section", { "aria-labelledby": "changes-title" }, h("h3", { id: "changes-title" }, "Recent changes"), changes),
        setForm,
        resets)),
  );

  let all = [];
  let drawn = null;
  function draw() {
    const wanted = filter.value.trim().toLowerCase();
    const shown = all.filter((u) => !wanted || u.id.includes(wanted));
    // Redraw only what changed, so keyboard focus and a pointer over a row stay put.
    const signature = JSON.stringify([wanted, shown]);
    if (signature === drawn) return;
    drawn = signature;
    count.textContent = `${shown.length} of ${all.length} users`;
    body.replaceChildren(
      ...shown.map((u) => {
        const p = u.presence;
        const live = u.sessions.filter((s) => s.live).length;
        return h("tr", { "data-user": u.id, class: colour(p.availability) },
          h("td", {}, dot(p.availability)),
          h("td", {}, h("a", { href: `#/users/${seg(u.id)}` }, u.id)),
          h("td", { class: "availability" }, p.availability),
          h("td", { class: "activity" }, p.activity),
          h("td", {}, p.statusMessage && p.statusMessage.message ? p.statusMessage.message.content : ""),
          h("td", {}, p.outOfOfficeSettings && p.outOfOfficeSettings.isOutOfOffice ? "yes" : ""),
          h("td", {}, p.workLocation && !["unknown", "unspecified"].includes(p.workLocation.workLocationType) ? p.workLocation.workLocationType : ""),
          h("td", {}, `${live} live / ${u.sessions.length}`));
      }),
    );
  }
  function drawChanges() {
    changes.replaceChildren(
      ...recent.map((c) =>
        h("li", {},
          h("time", { datetime: c.time }, when(c.time).slice(11)), " ",
          h("a", { href: `#/users/${seg(c.user)}` }, c.user), " ",
          c.fromAvailability ? `${c.fromAvailability} → ` : "",
          dot(c.availability), ` ${c.availability} `,
          h("span", { class: `cause ${c.cause}` }, c.cause))),
    );
    if (!recent.length) changes.append(h("li", { class: "muted" }, "None since this page opened."));
  }
  let loading = false;
  let again = false;
  async function load() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const page = await api("GET", `/admin/tenants/${seg(ctx.tenant)}/users?top=1000`);
      all = page.value;
      draw();
    } catch (error) {
      count.textContent = `Cannot read users: ${error.message}`;
    } finally {
      loading = false;
      if (again) {
        again = false;
        load();
      }
    }
  }
  const onChange = () => {
    drawChanges();
    load();
  };
  let ticks = 0;
  const onTick = () => {
    if (++ticks % 5 === 0) load();
  };
  filter.addEventListener("input", draw);
  window.addEventListener("presence:change", onChange);
  window.addEventListener("presence:refresh", load);
  window.addEventListener("presence:tick", onTick);
  drawChanges();
  load();
  return () => {
    window.removeEventListener("presence:change", onChange);
    window.removeEventListener("presence:refresh", load);
    window.removeEventListener("presence:tick", onTick);
  };
}

/** A reset, after the person confirms it. */
export function reset(ctx, scope, what) {
  if (!window.confirm(`Reset ${what}? Sessions, preferences, messages and calendars are deleted.`)) return;
  ctx.act("Reset", () => api("POST", "/admin/reset", scope));
}
