// The public board: what the projector shows and the facilitator sees above their controls.
// Only the public view is used here: signed deals, FORGE, prices, the headline per country.
import { h, fill, changed } from "../dom.js";
import { cardElement } from "./event.js";
import { forgeStatus } from "./forge.js";
import { headlineTable } from "./reports.js";
import { dealElement, signedInfo } from "./deals.js";
import { messageElement, ANNOUNCE, PLENARY } from "./chat.js";

export function createCardPanel(app, { big = false } = {}) {
  const body = h("div", {});
  const el = h("section", { class: "panel", id: "card-panel", "aria-labelledby": "card-h" },
    h("h2", { id: "card-h", text: "This round's event" }), body);
  function update(store) {
    const v = store.view;
    if (!v || !changed(el, v.card)) return;
    fill(body, cardElement(v.card, { big }));
  }
  return { el, update };
}

export function createForgeBoard(app, { big = false } = {}) {
  const body = h("div", {});
  const el = h("section", { class: "panel", id: "forge-board", "aria-labelledby": "forgeb-h" },
    h("h2", { id: "forgeb-h", text: "FORGE" }), body);
  function update(store) {
    const v = store.view;
    if (!v || !changed(el, v.forge)) return;
    fill(body, forgeStatus(v, { big }));
  }
  return { el, update };
}

export function createSignedDeals(app, { limit = 30, compact = false } = {}) {
  const list = h("ol", { class: "deals signed-feed", "data-testid": "signed-deals" });
  const more = h("p", { class: "muted small" });
  const heading = h("h2", { id: "signed-h", text: "Signed deals" });
  const el = h("section", { class: "panel", id: "signed", "aria-labelledby": "signed-h" }, heading, list, more);
  function update(store) {
    const v = store.view;
    if (!v || !changed(el, [v.deals, v.seats && Object.keys(v.seats)])) return;
    const all = v.deals.slice().sort((a, b) => (b.signed_round - a.signed_round) ||
      (Number(b.id.replace(/\D/g, "")) - Number(a.id.replace(/\D/g, ""))));
    const deals = all.slice(0, limit);
    heading.textContent = all.length ? `Signed deals (${all.length})` : "Signed deals";
    more.textContent = all.length > limit ? `…and ${all.length - limit} earlier.` : "";
    fill(list, deals.length ? deals.map((d) => dealElement(v, d, { extra: compact ? null : signedInfo(v, d), testid: "signed-deal", compact }))
      : h("li", { class: "muted empty", text: "No deal has been signed yet." }));
  }
  return { el, update };
}

export function createHeadline(app) {
  const body = h("div", {});
  const el = h("section", { class: "panel", id: "headline", "aria-labelledby": "headline-h" },
    h("h2", { id: "headline-h", text: "Countries" }), body);
  function update(store) {
    const v = store.view;
    if (!v) return;
    const last = (v.reports || [])[v.reports.length - 1] || null;
    if (!changed(el, [last, v.seats])) return;
    fill(body, headlineTable(v, last, { caption: last ? `After round ${last.round}` : "Before the first resolution" }));
  }
  return { el, update };
}

export function createAnnouncements(app, { plenary = 4 } = {}) {
  const ann = h("ol", { class: "messages big-messages", "data-testid": "announcements" });
  const plen = h("ol", { class: "messages" });
  const el = h("section", { class: "panel", id: "announcements", "aria-labelledby": "ann-h" },
    h("h2", { id: "ann-h", text: "Announcements" }), ann,
    plenary ? h("h3", { class: "sub", text: "Plenary" }) : null, plenary ? plen : null);
  function update(store) {
    const msgs = [...store.chat.values()];
    const a = msgs.filter((m) => m.room === ANNOUNCE && !m.hidden).slice(-3).reverse();
    const p = msgs.filter((m) => m.room === PLENARY && !m.hidden).slice(-plenary);
    if (!changed(el, [a.map((m) => m.id), p.map((m) => m.id)])) return;
    fill(ann, a.length ? a.map((m) => messageElement(store.view, m)) : h("li", { class: "muted empty", text: "No announcements." }));
    fill(plen, p.length ? p.map((m) => messageElement(store.view, m)) : h("li", { class: "muted empty", text: "Quiet so far." }));
  }
  return { el, update };
}
