// Requests: the request journal, newest first, filterable, a row per request, expandable to
// headers and bodies when the server records them (--journal-bodies); and the fault rules.

import { api, seg } from "./api.js";
import { h, when } from "./format.js";

export function render(root, ctx) {
  const filter = h("input", { id: "request-filter", type: "search", placeholder: "operation, path or status" });
  const body = h("tbody");
  const faults = h("tbody");
  const open = new Set();

  const faultForm = h("form", { class: "action", id: "fault-form" },
    h("h3", {}, "Add a fault rule"),
    h("label", { for: "fault-operation" }, "Operation id"), h("input", { id: "fault-operation", name: "operation", placeholder: "get_presence", required: true }),
    h("label", { for: "fault-status" }, "Answer with status"), h("input", { id: "fault-status", name: "status", type: "number", min: 400, max: 599, value: 503 }),
    h("label", { for: "fault-times" }, "Times (empty: always)"), h("input", { id: "fault-times", name: "times", type: "number", min: 1 }),
    h("button", { type: "submit" }, "Add rule"));
  faultForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(faultForm);
    const rule = { on: "requests", match: { operation: String(data.get("operation")).trim() }, respond: { status: Number(data.get("status")) } };
    if (data.get("times")) rule.times = Number(data.get("times"));
    ctx.act("Add fault rule", () => api("POST", "/admin/faults", rule));
  });

  root.append(
    h("h2", {}, "Requests"),
    h("div", { class: "split" },
      h("section", { class: "grow", "aria-label": "Request journal" },
        h("div", { class: "tools" }, h("label", { for: "request-filter" }, "Filter"), filter),
        h("table", { id: "requests-table" },
          h("thead", {}, h("tr", {}, ["Time", "Operation", "Status", "Duration", "Application", "User", ""].map((c) => h("th", { scope: "col" }, c)))),
          body)),
      h("aside", { class: "side" },
        h("section", { "aria-labelledby": "faults-title" },
          h("h3", { id: "faults-title" }, "Fault rules"),
          h("table", { id: "faults-table" }, h("thead", {}, h("tr", {}, ["Operation", "Answer", "Fired", ""].map((c) => h("th", { scope: "col" }, c)))), faults)),
        faultForm)),
  );

  let records = [];
  function draw() {
    const wanted = filter.value.trim().toLowerCase();
    const shown = records.filter((r) => !wanted || `${r.operation || ""} ${r.method} ${r.path} ${r.status}`.toLowerCase().includes(wanted));
    body.replaceChildren(
      ...shown.flatMap((r) => {
        const key = String(r.sequence);
        const row = h("tr", { class: r.status >= 400 ? "failed" : "" },
          h("td", {}, when(r.time).slice(11)),
          h("td", {}, r.operation || `${r.method} ${r.path}`),
          h("td", {}, r.status),
          h("td", {}, `${r.durationMs.toFixed(1)} ms`),
          h("td", {}, r.application ? h("code", {}, r.application.slice(0, 8)) : "—"),
          h("td", {}, r.user || "—"),
          h("td", {}, h("button", { type: "button", "aria-expanded": open.has(key) ? "true" : "false", onclick: () => {
            if (open.has(key)) open.delete(key);
            else open.add(key);
            draw();
          } }, open.has(key) ? "Hide" : "Details")));
        if (!open.has(key)) return [row];
        const details = h("tr", { class: "details" }, h("td", { colspan: 7 },
          h("p", {}, h("code", {}, `${r.method} ${r.path}`), ` · request id ${r.requestId}`, r.fault ? ` · fault ${r.fault}` : ""),
          r.requestHeaders ? h("pre", {}, Object.entries(r.requestHeaders).map(([k, v]) => `${k}: ${v}`).join("\n")) : h("p", { class: "muted" }, "Headers and bodies are recorded with --journal-bodies."),
          r.requestBody ? h("pre", {}, r.requestBody) : null,
          r.responseBody ? h("pre", {}, r.responseBody) : null));
        return [row, details];
      }),
    );
  }
  async function load() {
    try {
      const [journal, rules] = await Promise.all([api("GET", "/admin/requests?top=200"), api("GET", "/admin/faults")]);
      records = journal.value;
      draw();
      faults.replaceChildren(
        ...rules.value.map((rule) =>
          h("tr", {},
            h("td", {}, rule.match.operation || rule.match.path || "any"),
            h("td", {}, rule.respond ? rule.respond.status : rule.drop ? "drop" : rule.delay || ""),
            h("td", {}, rule.fired),
            h("td", {}, h("button", { type: "button", onclick: () => ctx.act("Remove fault rule", () => api("DELETE", `/admin/faults/${seg(rule.id)}`)) }, "Remove")))),
      );
      if (!rules.value.length) faults.append(h("tr", {}, h("td", { colspan: 4, class: "muted" }, "No rule.")));
    } catch (error) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: 7, class: "error" }, `Cannot read the journal: ${error.message}`)));
    }
  }
  filter.addEventListener("input", draw);
  let ticks = 0;
  const onTick = () => {
    if (++ticks % 2 === 0) load();
  };
  window.addEventListener("presence:tick", onTick);
  window.addEventListener("presence:refresh", load);
  load();
  return () => {
    window.removeEventListener("presence:tick", onTick);
    window.removeEventListener("presence:refresh", load);
  };
}
