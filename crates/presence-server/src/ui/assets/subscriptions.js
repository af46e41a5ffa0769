// Subscriptions: each of the tenant's subscriptions with its expiry countdown and its
// deliveries (from the delivery journal): delivered, retrying with the next retry, dropped,
// with the receiver's answer.

import { api, seg } from "./api.js";
import { h, countdown, when } from "./format.js";

export function render(root, ctx) {
  const list = h("div", { id: "subscriptions" });
  root.append(h("h2", {}, "Subscriptions of ", h("code", {}, ctx.tenant)), list);

  async function load() {
    try {
      const [subscriptions, deliveries] = await Promise.all([
        api("GET", `/admin/tenants/${seg(ctx.tenant)}/subscriptions`),
        api("GET", `/admin/deliveries?tenant=${seg(ctx.tenant)}&top=500`),
      ]);
      const now = ctx.serverNow();
      list.replaceChildren(
        ...subscriptions.value.map((s) => {
          const mine = deliveries.value.filter((d) => d.subscriptionId === s.id);
          return h("section", { class: "subscription", "data-subscription": s.id, "aria-label": `Subscription ${s.id}` },
            h("h3", {}, h("code", {}, s.resource), ` (${s.changeType})`),
            h("dl", {},
              h("dt", {}, "Id"), h("dd", {}, h("code", {}, s.id)),
              h("dt", {}, "Notifies"), h("dd", {}, h("code", {}, s.notificationUrl)),
              h("dt", {}, "Expires"), h("dd", {}, `${when(s.expirationDateTime)} (${countdown(s.expirationDateTime, now)})`),
              h("dt", {}, "Application"), h("dd", {}, h("code", {}, s.applicationId || "—"))),
            h("table", { class: "deliveries" },
              h("caption", {}, `${mine.length} delivery attempts`),
              h("thead", {}, h("tr", {}, ["Time", "Notification", "Attempt", "Outcome", "Answer", "Next retry"].map((c) => h("th", { scope: "col" }, c)))),
              h("tbody", {}, mine.map((d) =>
                h("tr", { class: `outcome ${d.outcome}` },
                  h("td", {}, when(d.time)),
                  h("td", {}, d.lifecycleEvent ? `lifecycle: ${d.lifecycleEvent}` : d.user),
                  h("td", {}, d.attempt),
                  h("td", { class: "outcome-cell" }, d.outcome),
                  h("td", {}, d.status ? `HTTP ${d.status}` : d.error || "—", ` · ${Math.round(d.durationMs)} ms`),
                  h("td", {}, d.nextRetry ? when(d.nextRetry) : "—"))))));
        }),
      );
      if (!subscriptions.value.length) list.append(h("p", { class: "muted" }, "No subscription in this tenant."));
    } catch (error) {
      list.replaceChildren(h("p", { class: "error" }, `Cannot read subscriptions: ${error.message}`));
    }
  }
  let ticks = 0;
  const onTick = () => {
    if (++ticks % 2 === 0) load();
  };
  window.addEventListener("presence:tick", onTick);
  window.addEventListener("presence:refresh", load);
  window.addEventListener("presence:change", load);
  load();
  return () => {
    window.removeEventListener("presence:tick", onTick);
    window.removeEventListener("presence:refresh", load);
    window.removeEventListener("presence:change", load);
  };
}
