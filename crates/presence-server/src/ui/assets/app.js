// The dashboard's shell: token, tenant, the live change stream, the server's clock, and a
// hash router over the views (one module each). Views re-render from the APIs when a change
// arrives (event "presence:change") or the second ticks ("presence:tick").

import { api, claims, follow, setToken, token, ApiError } from "./api.js";
import { when } from "./format.js";
import * as users from "./users.js";
import * as user from "./user.js";
import * as subscriptions from "./subscriptions.js";
import * as requests from "./requests.js";
import * as clock from "./clock.js";

const DEFAULT_APP_ID = "22553876-f5ab-4529-bffb-cfe50aa89f87";
const main = document.getElementById("main");

const ctx = {
  /** The tenant's changes since the page opened, newest first (at most 30). */
  recent: [],
  info: null,
  infoAt: 0,
  get tenant() {
    return sessionStorage.getItem("presence.tenant") || claims().tid || "default";
  },
  set tenant(value) {
    sessionStorage.setItem("presence.tenant", value);
  },
  /** The application id Graph calls from this page set sessions as. */
  get appId() {
    const c = claims();
    return c.appid || c.azp || DEFAULT_APP_ID;
  },
  /** The server's now, in milliseconds: a manual clock stands still between advances. */
  serverNow() {
    if (!this.info) return Date.now();
    const then = Date.parse(this.info.now);
    return this.info.clock === "manual" ? then : then + (Date.now() - this.infoAt);
  },
  toast(message, error = false) {
    const toast = document.getElementById("toast");
    toast.textContent = message;
    toast.className = error ? "toast show error" : "toast show";
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (toast.className = "toast"), 4000);
  },
  /** Runs an action, reports its outcome, and refreshes what shows. */
  async act(label, action) {
    try {
      await action();
      this.toast(`${label}: done`);
      await refreshInfo();
      window.dispatchEvent(new CustomEvent("presence:refresh"));
    } catch (error) {
      this.toast(`${label}: ${error.message}`, true);
    }
  },
  async refreshInfo() {
    await refreshInfo();
  },
};

async function refreshInfo() {
  const info = await api("GET", "/admin/info");
  const moved = ctx.info && ctx.info.now !== info.now && info.clock === "manual";
  ctx.info = info;
  ctx.infoAt = Date.now();
  const label = document.getElementById("clock");
  label.textContent = `${info.clock === "manual" ? "manual clock" : "clock"} ${when(new Date(ctx.serverNow()).toISOString())}`;
  if (moved) window.dispatchEvent(new CustomEvent("presence:refresh"));
}

const routes = [
  [/^#\/users\/(.+)$/, user, "users"],
  [/^#\/users$/, users, "users"],
  [/^#\/subscriptions$/, subscriptions, "subscriptions"],
  [/^#\/requests$/, requests, "requests"],
  [/^#\/clock$/, clock, "clock"],
];

let cleanup = null;
function route() {
  const hash = location.hash || "#/users";
  const [, view, name, match] =
    routes.map(([pattern, view, name]) => [pattern, view, name, hash.match(pattern)]).find((r) => r[3]) ||
    [null, users, "users", []];
  for (const link of document.querySelectorAll("nav a")) {
    if (link.dataset.view === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (cleanup) cleanup();
  main.replaceChildren();
  cleanup = view.render(main, ctx, ...(match || []).slice(1).map(decodeURIComponent)) || null;
}

let stopStream = null;
function startStream() {
  if (stopStream) stopStream();
  const live = document.getElementById("live");
  stopStream = follow(
    `/admin/events?tenant=${encodeURIComponent(ctx.tenant)}`,
    (name, data) => {
      if (name === "change") {
        ctx.recent.unshift(data);
        ctx.recent.length = Math.min(ctx.recent.length, 30);
        window.dispatchEvent(new CustomEvent("presence:change", { detail: data }));
      }
      if (name === "resync") window.dispatchEvent(new CustomEvent("presence:refresh"));
    },
    (connected) => {
      live.textContent = connected ? "live" : "reconnecting…";
      live.className = connected ? "live on" : "live";
    },
  );
}

function askToken(message) {
  const dialog = document.getElementById("token-dialog");
  document.getElementById("token-error").textContent = message || "";
  if (!dialog.open) dialog.showModal();
  document.getElementById("token-input").focus();
}

async function start() {
  try {
    await refreshInfo();
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      askToken(token() ? `This token was refused: ${error.message}` : "");
      return;
    }
    ctx.toast(`Cannot reach the server: ${error.message}`, true);
    return;
  }
  const tenant = document.getElementById("tenant");
  tenant.value = ctx.tenant;
  tenant.addEventListener("change", () => {
    ctx.tenant = tenant.value.trim() || "default";
    ctx.recent = [];
    startStream();
    route();
  });
  startStream();
  window.addEventListener("hashchange", route);
  route();
  setInterval(() => {
    refreshInfo().catch(() => {});
    window.dispatchEvent(new CustomEvent("presence:tick"));
  }, 1000);
}

document.getElementById("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  setToken(document.getElementById("token-input").value);
  document.getElementById("token-dialog").close();
  start();
});

start();
