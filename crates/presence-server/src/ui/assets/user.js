// One user: each session with its pair, refresh time and live countdowns to its fade and
// expiry; the preferred presence; calendar entries; which rule decided; the user's changes
// with their causes; and the actions a test needs (Graph's and the control plane's).

import { api, seg } from "./api.js";
import { h, dot, countdown, when, pairSelect, field, PREFERRED_PAIRS } from "./format.js";
import { reset } from "./users.js";

/** Pairs a Teams client reports (the control plane takes any Graph can report). */
const CLIENT_PAIRS = [
  ["Available", "Available"],
  ["AvailableIdle", "Inactive"],
  ["Busy", "InACall"],
  ["Busy", "InAMeeting"],
  ["DoNotDisturb", "Presenting"],
  ["BeRightBack", "BeRightBack"],
  ["Away", "Away"],
];

export function render(root, ctx, id) {
  const base = `/admin/tenants/${seg(ctx.tenant)}/users/${seg(id)}`;
  const graph = `/v1.0/users/${seg(id)}/presence`;
  const head = h("div", { class: "user-head" });
  const decided = h("p", { class: "decided", id: "decided-by" });
  const sessions = h("tbody");
  const preferred = h("div", { id: "preferred" });
  const calendar = h("tbody");
  const changes = h("tbody");
  let user = null;
  let drawn = null;

  const countdownCells = () => {
    const now = ctx.serverNow();
    for (const cell of root.querySelectorAll("[data-countdown]")) {
      cell.textContent = countdown(cell.dataset.countdown, now);
    }
  };

  function draw() {
    const p = user.presence;
    head.replaceChildren(
      ...[dot(p.availability),
      h("h2", {}, id),
      h("p", { class: "pair", id: "user-pair" }, `${p.availability} / ${p.activity}`),
      p.statusMessage && p.statusMessage.message ? h("p", { class: "muted" }, `“${p.statusMessage.message.content}”`) : null,
      p.outOfOfficeSettings && p.outOfOfficeSettings.isOutOfOffice ? h("p", { class: "badge" }, "out of office") : null].filter(Boolean),
    );
    decided.replaceChildren(h("strong", {}, "Decided by: "), user.decidedBy);
    if (user.nextChangeAt) decided.append(h("span", { class: "muted" }, " · next change ", h("span", { "data-countdown": user.nextChangeAt })));
    sessions.replaceChildren(
      ...user.sessions.map((s) =>
        h("tr", { class: s.live ? "session" : "session expired", "data-session": s.sessionId },
          h("td", {}, s.kind === "client" ? "Teams client" : "application"),
          h("td", {}, h("code", {}, s.sessionId)),
          h("td", {}, `${s.availability} / ${s.activity}`),
          h("td", {}, s.nowAvailability ? [dot(s.nowAvailability), ` ${s.nowAvailability} / ${s.nowActivity}`] : "expired"),
          h("td", {}, h("span", { "data-countdown": s.refreshedAt })),
          h("td", { class: "fade" }, s.fadesAt ? h("span", { "data-countdown": s.fadesAt }) : "—"),
          h("td", { class: "expiry" }, h("span", { "data-countdown": s.expiresAt })),
          h("td", {}, s.live ? h("button", { type: "button", onclick: () => clearSession(s) }, "Clear") : null),
        ),
      ),
    );
    if (!user.sessions.length) sessions.append(h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No session.")));
    preferred.replaceChildren(
      user.preferred
        ? h("p", {}, dot(user.preferred.availability), ` ${user.preferred.availability} / ${user.preferred.activity}, expires `,
            h("span", { "data-countdown": user.preferred.expiresAt }), " ",
            h("button", { type: "button", onclick: () => ctx.act("Clear preferred presence", () => api("POST", `${graph}/clearUserPreferredPresence`)) }, "Clear"))
        : h("p", { class: "muted" }, "No preferred presence."),
    );
    countdownCells();
  }

  function clearSession(s) {
    if (s.kind === "client") {
      ctx.act(`Clear client ${s.sessionId}`, () => api("DELETE", `${base}/clients/${seg(s.sessionId)}`));
    } else {
      ctx.act(`Clear session ${s.sessionId}`, () => api("POST", `${graph}/clearPresence`, { sessionId: s.sessionId }));
    }
  }

  async function load() {
    try {
      const [detail, entries, history] = await Promise.all([
        api("GET", base),
        api("GET", `${base}/calendar`),
        api("GET", `${base}/changes`),
      ]);
      // Redraw only what changed, so keyboard focus stays put.
      const signature = JSON.stringify([detail, entries, history]);
      if (signature === drawn) return;
      drawn = signature;
      user = detail;
      draw();
      calendar.replaceChildren(
        ...entries.value.map((e) =>
          h("tr", {},
            h("td", {}, e.subject || ""), h("td", {}, e.showAs),
            h("td", {}, when(e.start)), h("td", {}, when(e.end)),
            h("td", {}, h("button", { type: "button", onclick: () => ctx.act("Remove entry", () => api("DELETE", `${base}/calendar/${seg(e.id)}`)) }, "Remove")))),
      );
      if (!entries.value.length) calendar.append(h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No calendar entry.")));
      changes.replaceChildren(
        ...history.value.map((c) =>
          h("tr", {},
            h("td", {}, when(c.time)),
            h("td", {}, c.fromAvailability ? `${c.fromAvailability} / ${c.fromActivity}` : "—"),
            h("td", {}, dot(c.availability), ` ${c.availability} / ${c.activity}`),
            h("td", {}, h("span", { class: `cause ${c.cause}` }, c.cause)),
            h("td", { class: "muted" }, c.decidedBy))),
      );
      if (!history.value.length) changes.append(h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No change recorded yet.")));
    } catch (error) {
      head.replaceChildren(h("p", { class: "error" }, `Cannot read ${id}: ${error.message}`));
    }
  }

  root.append(
    h("p", {}, h("a", { href: "#/users" }, "← all users")),
    head,
    decided,
    h("div", { class: "split" },
      h("div", { class: "grow" },
        h("section", { "aria-labelledby": "sessions-title" },
          h("h3", { id: "sessions-title" }, "Sessions"),
          h("table", { id: "sessions-table" },
            h("thead", {}, h("tr", {}, ["Kind", "Session", "Set", "Shows now", "Refreshed", "Fades", "Expires", ""].map((c) => h("th", { scope: "col" }, c)))),
            sessions)),
        h("section", { "aria-labelledby": "preferred-title" }, h("h3", { id: "preferred-title" }, "Preferred presence"), preferred),
        h("section", { "aria-labelledby": "calendar-title" },
          h("h3", { id: "calendar-title" }, "Calendar"),
          h("table", {}, h("thead", {}, h("tr", {}, ["Subject", "Show as", "Start", "End", ""].map((c) => h("th", { scope: "col" }, c)))), calendar)),
        h("section", { "aria-labelledby": "history-title" },
          h("h3", { id: "history-title" }, "Changes"),
          h("table", { id: "changes-table" },
            h("thead", {}, h("tr", {}, ["Time", "From", "To", "Cause", "Decided by"].map((c) => h("th", { scope: "col" }, c)))),
            changes))),
      h("aside", { class: "side" }, actions(ctx, id, base, graph))),
  );

  const onChange = (event) => {
    if (event.detail.user === id) load();
  };
  let ticks = 0;
  const onTick = () => {
    countdownCells();
    if (++ticks % 5 === 0) load();
  };
  window.addEventListener("presence:change", onChange);
  window.addEventListener("presence:refresh", load);
  window.addEventListener("presence:tick", onTick);
  load();
  return () => {
    window.removeEventListener("presence:change", onChange);
    window.removeEventListener("presence:refresh", load);
    window.removeEventListener("presence:tick", onTick);
  };
}

/** The forms of a user's actions; each calls the API a script would. */
function actions(ctx, id, base, graph) {
  const form = (title, children, submit) => {
    const element = h("form", { class: "action" }, h("h3", {}, title), ...children, h("button", { type: "submit" }, title));
    element.addEventListener("submit", (event) => {
      event.preventDefault();
      ctx.act(title, () => submit(new FormData(element)));
    });
    return element;
  };
  const pair = (data) => String(data.get("pair")).split("/");
  const minutesFromNow = (minutes) => new Date(ctx.serverNow() + minutes * 60000).toISOString();
  return [
    form("Set preferred presence", [pairSelect("pair", PREFERRED_PAIRS, "Availability / activity"), field("minutes", "For (minutes)", { type: "number", min: 5, value: 60 })], (data) => {
      const [availability, activity] = pair(data);
      return api("POST", `${graph}/setUserPreferredPresence`, { availability, activity, expirationDuration: `PT${Number(data.get("minutes")) || 60}M` });
    }),
    form("Set status message", [field("message", "Message", { maxlength: 280 })], (data) =>
      api("POST", `${graph}/setStatusMessage`, { statusMessage: { message: { content: String(data.get("message")), contentType: "text" } } })),
    form("Set a Teams client", [field("client", "Client id", { value: "teams-desktop", required: true }), pairSelect("pair", CLIENT_PAIRS, "Availability / activity")], (data) => {
      const [availability, activity] = pair(data);
      return api("PUT", `${base}/clients/${seg(String(data.get("client")).trim())}`, { availability, activity });
    }),
    form("Add a meeting", [field("subject", "Subject", { value: "Meeting" }), field("start", "Starts in (minutes)", { type: "number", value: 0 }), field("length", "Lasts (minutes)", { type: "number", min: 1, value: 30 }),
      h("label", { for: `show-${id}` }, "Show as"), h("select", { id: `show-${id}`, name: "showAs" }, ["busy", "tentative", "oof", "free"].map((s) => h("option", { value: s }, s)))], (data) => {
      const start = Number(data.get("start")) || 0;
      return api("POST", `${base}/calendar`, {
        subject: String(data.get("subject")),
        showAs: String(data.get("showAs")),
        start: minutesFromNow(start),
        end: minutesFromNow(start + (Number(data.get("length")) || 30)),
      });
    }),
    form("Set out of office", [h("label", {}, h("input", { type: "checkbox", name: "on", checked: true }), " Automatic replies on"), field("reply", "Reply", { value: "Out of office" })], (data) =>
      api("PUT", `${base}/outOfOffice`, { isOutOfOffice: data.get("on") === "on", message: String(data.get("reply")) || undefined })),
    h("div", { class: "action" }, h("h3", {}, "Reset"), h("button", { type: "button", class: "danger", onclick: () => reset(ctx, { tenant: ctx.tenant, user: id }, `user ${id}`) }, "Reset this user")),
  ];
}
