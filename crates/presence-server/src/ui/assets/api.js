// The page's only way to the server: the admin and Graph APIs, same origin, with the admin
// token (kept in this tab's session storage) on every call.

const TOKEN_KEY = "presence.adminToken";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The claims of the admin token (not verified: only to pick defaults), or {}. */
export function claims() {
  const parts = (token() || "").split(".");
  if (parts.length !== 3) return {};
  try {
    const json = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(json);
  } catch {
    return {};
  }
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

function headers(extra) {
  const all = { Accept: "application/json", ...extra };
  const t = token();
  if (t) all.Authorization = `Bearer ${t}`;
  return all;
}

/** One call; resolves to the parsed JSON answer (null for 204), throws ApiError. */
export async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = json && json.error;
    throw new ApiError(response.status, error && error.code, (error && error.message) || text);
  }
  return json;
}

/** Path segment. */
export const seg = encodeURIComponent;

/**
 * Follows a server-sent event stream with the token (EventSource cannot send one), calling
 * onEvent(name, data) per event and onState(connected) as the connection comes and goes.
 * Reconnects after a second. Returns a function that stops it.
 */
export function follow(path, onEvent, onState) {
  let stopped = false;
  let controller = null;
  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch(path, { headers: headers({ Accept: "text/event-stream" }), signal: controller.signal });
        if (!response.ok || !response.body) throw new ApiError(response.status);
        onState(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let name = "message";
            const data = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event: ")) name = line.slice(7);
              else if (line.startsWith("data: ")) data.push(line.slice(6));
            }
            if (data.length) {
              try {
                onEvent(name, JSON.parse(data.join("\n")));
              } catch {
                /* a malformed event is skipped */
              }
            }
          }
        }
      } catch {
        /* reconnect below */
      }
      if (stopped) return;
      onState(false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  run();
  return () => {
    stopped = true;
    if (controller) controller.abort();
  };
}
