// Toasts: short notices in a live region; errors carry the server's stable code.
import { h } from "./dom.js";

let region = null;

function ensureRegion() {
  if (!region) {
    region = document.getElementById("toasts");
    if (!region) {
      region = h("div", { id: "toasts", class: "toasts", "aria-live": "polite" });
      document.body.appendChild(region);
    }
  }
  return region;
}

/** toast("Deal proposed") or toast(message, {code: "bad_clause", kind: "error"}) */
export function toast(message, { code = "", kind = "info", timeout } = {}) {
  const box = ensureRegion();
  const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    code ? h("code", { class: "toast-code", text: code }) : null,
    h("span", { class: "toast-text", text: message }),
    h("button", { class: "toast-close", type: "button", "aria-label": "Dismiss", text: "×",
      on: { click: () => item.remove() } }));
  box.appendChild(item);
  while (box.children.length > 5) box.firstElementChild.remove();
  const ms = timeout ?? (kind === "error" ? 9000 : 4000);
  if (ms) setTimeout(() => item.remove(), ms);
  return item;
}

export function errorToast(err) {
  if (!err) return;
  const code = err.code || "error";
  const text = err.detail || err.message || String(err);
  toast(text, { code, kind: "error" });
}
