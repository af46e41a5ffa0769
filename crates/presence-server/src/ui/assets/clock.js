// Clock: the server's time; with --clock manual, buttons that advance it. The other views
// see the effect at once (the header re-reads the clock every second and the history records
// what the advance changed).

import { api } from "./api.js";
import { h, when } from "./format.js";

export function render(root, ctx) {
  const now = h("p", { class: "big", id: "clock-now", role: "status" });
  const controls = h("div", { id: "clock-controls" });
  root.append(h("h2", {}, "Clock"), now, controls);

  const advance = (by) => ctx.act(`Advance ${by}`, () => api("POST", "/admin/clock/advance", { by }));
  function draw() {
    const info = ctx.info;
    now.textContent = `${when(new Date(ctx.serverNow()).toISOString())} (${info && info.clock === "manual" ? "manual clock" : "system clock"})`;
    if (info && info.clock === "manual") {
      if (!controls.childElementCount) {
        const typed = h("input", { id: "advance-by", name: "by", placeholder: "PT90M or 90 (minutes)", required: true });
        const form = h("form", { class: "inline" }, h("label", { for: "advance-by" }, "Advance by"), typed, h("button", { type: "submit" }, "Advance"));
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          const value = typed.value.trim();
          advance(/^\d+$/.test(value) ? `PT${value}M` : value);
        });
        controls.append(
          h("div", { class: "buttons" }, [1, 5, 10, 60].map((m) => h("button", { type: "button", "data-advance": m, onclick: () => advance(`PT${m}M`) }, `+${m} min`))),
          form,
        );
      }
    } else {
      controls.replaceChildren(h("p", { class: "muted" }, "The server follows the system clock. Start it with --clock manual to move time from here."));
    }
  }
  window.addEventListener("presence:tick", draw);
  draw();
  return () => window.removeEventListener("presence:tick", draw);
}
