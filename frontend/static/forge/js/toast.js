// Toasts: short notices in a live region; errors carry the server's stable code.
import { h } from "./dom.js";
import { _ } from "./i18n.js";
import { refusalText } from "./said.js";

// What each stable error code means, in the page's language. The server's own sentence is
// English (the engine and the socket answer in English, for agents and logs): a refusal
// with params is said from them (said.js) on every page; otherwise a page in another
// language shows the code's sentence. The server's words stay in the tooltip.
const CODE_TEXT = {
  bad_json: _("The page sent something the server could not read. Reload the page."),
  bad_message: _("The page sent something the server could not read. Reload the page."),
  too_large: _("That is too long."),
  unknown_type: _("The server did not understand the page. Reload the page."),
  rate_limited: _("Too fast: wait a moment and try again."),
  unauthorized: _("You are not in this game any more. Join again."),
  forbidden: _("You are not allowed to do that."),
  not_found: _("That no longer exists."),
  muted: _("The facilitator has muted you."),
  chat_disabled: _("Free chat is off in school mode."),
  bad_room: _("You cannot write in that chat room."),
  bad_request: _("Check what you typed and try again."),
  conflict: _("That cannot be done now."),
  advisor_off: _("The facilitator has not switched the advisor on."),
  unavailable: _("The server is busy: try again in a moment."),
  server_error: _("The server failed; nothing was changed."),
  offline: _("You are offline: try again when the page reconnects."),
  timeout: _("No answer from the server: try again."),
  bad_action: _("That action is not possible."),
  unknown_action: _("That action is not possible."),
  not_a_seat: _("Only a country can do that."),
  not_facilitator: _("Only the facilitator can do that."),
  bot_not_allowed: _("The computer cannot play that country."),
  wrong_phase: _("Not now: that is for another part of the round."),
  game_not_started: _("The game has not started yet."),
  game_over: _("The game is over."),
  game_paused: _("The game is paused."),
  not_paused: _("The game is not paused."),
  stale_phase: _("The round moved on before that arrived."),
  already_started: _("The game has already started."),
  unknown_deal: _("That deal no longer exists."),
  not_a_party: _("That deal is not yours."),
  not_recipient: _("Only the country the offer was made to can answer it."),
  not_proposer: _("Only the country that made the offer can withdraw it."),
  deal_not_open: _("That offer is no longer open."),
  deal_not_active: _("That deal is not running."),
  self_deal: _("You cannot make a deal with yourself."),
  bad_clause: _("Something in the deal is not possible: check every part."),
  insufficient_funds: _("Not enough money for that."),
  already_asked: _("You have already asked for that."),
  too_many_proposals: _("You have too many open offers: withdraw one first."),
  not_member: _("Only FORGE members can do that."),
  already_member: _("You are already in FORGE."),
  already_applied: _("Your application is already waiting."),
  unknown_motion: _("That vote no longer exists."),
  motion_closed: _("That vote is closed."),
  already_voted: _("You have already voted."),
  chair_cannot_leave: _("The chair cannot leave FORGE."),
  not_yet: _("Not yet."),
  standard_too_low: _("Your environmental standard is too low for FORGE."),
  dispute_not_allowed: _("You cannot complain to the WTO about that."),
  unknown_prompt: _("That question no longer exists."),
  prompt_closed: _("That question is closed."),
  unknown_option: _("That answer is not one of the choices."),
  unknown_card: _("There is no such card."),
  bad_orders: _("Something in your orders is not possible: check every line."),
  unknown_mineral: _("There is no such mineral."),
  unknown_seat: _("There is no such country."),
  bad_quantity: _("Check the numbers: that quantity is not possible."),
  error: _("Something went wrong."),
};
const ENGLISH = (document.documentElement.lang || "en").toLowerCase().startsWith("en");

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
export function toast(message, { code = "", kind = "info", timeout, title = "" } = {}) {
  const box = ensureRegion();
  const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    code ? h("code", { class: "toast-code", text: code }) : null,
    h("span", { class: "toast-text", text: message, title: title || null }),
    h("button", { class: "toast-close", type: "button", "aria-label": _("Dismiss"), text: "×",
      on: { click: () => item.remove() } }));
  box.appendChild(item);
  while (box.children.length > 5) box.firstElementChild.remove();
  const ms = timeout ?? (kind === "error" ? 9000 : 4000);
  if (ms) setTimeout(() => item.remove(), ms);
  return item;
}

/** errorToast(err, view): `view` names countries and minerals in a refusal's params. */
export function errorToast(err, view = null) {
  if (!err) return;
  const code = err.code || "error";
  const server = err.detail || err.message || String(err);
  const text = refusalText(view, code, err.params)
    || (ENGLISH || !CODE_TEXT[code] ? server : CODE_TEXT[code]);
  toast(text, { code, kind: "error", title: text === server ? "" : server });
}
