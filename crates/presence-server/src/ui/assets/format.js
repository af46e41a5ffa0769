// Small shared helpers: building elements without innerHTML, presence colours, times.

/** h("a", {href: "#"}, "text", child…): an element; attributes starting with "on" are listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Teams' colour family of an availability (an idle user shows amber in Teams, as away). */
export function colour(availability) {
  switch (availability) {
    case "Available":
      return "available";
    case "Busy":
    case "BusyIdle":
    case "DoNotDisturb":
    case "InACall":
    case "InAMeeting":
    case "Presenting":
    case "Focusing":
      return "busy";
    case "AvailableIdle":
    case "Away":
    case "BeRightBack":
      return "away";
    default:
      return "offline";
  }
}

/** A coloured dot with its meaning in words for screen readers. */
export function dot(availability) {
  return h("span", { class: `dot ${colour(availability)}`, role: "img", "aria-label": availability || "unknown" });
}

/** "in 4m 05s" / "3m 10s ago" between a time and the server's now (milliseconds). */
export function countdown(time, now) {
  if (!time) return "—";
  const target = Date.parse(time);
  if (Number.isNaN(target)) return "—";
  if (target > Date.parse("9000-01-01T00:00:00Z")) return "never";
  const left = Math.round((target - now) / 1000);
  if (left === 0) return "now";
  const text = duration(Math.abs(left));
  return left >= 0 ? `in ${text}` : `${text} ago`;
}

function duration(seconds) {
  const d = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d) return `${d}d ${hours}h`;
  if (hours) return `${hours}h ${String(m).padStart(2, "0")}m`;
  return `${m}m ${String(s).padStart(2, "0")}s`;
}

/** A time as the server gave it, shortened for a table. */
export function when(time) {
  if (!time) return "—";
  return time.replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC");
}

export const AVAILABILITIES = ["Available", "Busy", "DoNotDisturb", "BeRightBack", "Away", "Offline"];
/** The pairs Graph's setPresence takes. */
export const SESSION_PAIRS = [
  ["Available", "Available"],
  ["Busy", "InACall"],
  ["Busy", "InAConferenceCall"],
  ["Away", "Away"],
  ["DoNotDisturb", "Presenting"],
];
/** The pairs Graph's setUserPreferredPresence takes. */
export const PREFERRED_PAIRS = [
  ["Available", "Available"],
  ["Busy", "Busy"],
  ["DoNotDisturb", "DoNotDisturb"],
  ["BeRightBack", "BeRightBack"],
  ["Away", "Away"],
  ["Offline", "OffWork"],
];

/** A <select> of "Availability/Activity" pairs. */
export function pairSelect(name, pairs, label) {
  const id = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  return [
    h("label", { for: id }, label),
    h("select", { id, name }, pairs.map(([a, b]) => h("option", { value: `${a}/${b}` }, `${a} / ${b}`))),
  ];
}

/** A labelled input. */
export function field(name, label, attributes = {}) {
  const id = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  return [h("label", { for: id }, label), h("input", { id, name, ...attributes })];
}
