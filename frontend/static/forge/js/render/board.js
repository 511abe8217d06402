// The public board: what the projector shows and the facilitator sees above their controls.
// Only the public view is used here: signed deals, FORGE, prices, the headline per country.
import { h, fill, changed } from "../dom.js";
import { cardsElement } from "./event.js";
import { _, fmt } from "../i18n.js";
import { forgeStatus } from "./forge.js";
import { headlineTable } from "./reports.js";
import { dealElement, signedInfo } from "./deals.js";
import { messageElement, ANNOUNCE, PLENARY } from "./chat.js";

export function createCardPanel(app, { big = false } = {}) {
  const body = h("div", {});
  const el = h("section", { class: "panel", id: "card-panel", "aria-labelledby": "card-h" },
    h("h2", { id: "card-h", text: _("This round's event") }), body);
  function update(store) {
    const v = store.view;
    if (!v || !changed(el, [v.card, v.round])) return;
    fill(body, cardsElement(app, v, { big }));
  }
  return { el, update };
}

/** The QR code of the join URL (made on the server as SVG, in <template id="forge-qr">). */
export function qrElement() {
  const tpl = document.getElementById("forge-qr");
  return tpl ? h("div", { class: "qr-box", "data-testid": "qr" }, tpl.content.cloneNode(true)) : null;
}

/**
 * The projector's join panel: large while the game waits (code, address, QR code), small
 * beside the board during play so latecomers can still join; gone at the debrief.
 */
export function createJoinPanel(app) {
  const links = app.cfg.links;
  const qr = qrElement();
  const url = h("p", { class: "join-url", "data-testid": "join-url", text: links.join });
  const heading = h("h2", { id: "joinp-h", text: _("Join the game") });
  const codeLine = h("p", { class: "join-code" }, _("Code"), " ", h("strong", { class: "code big-code", text: app.cfg.code }));
  const el = h("section", { class: "panel join-panel", id: "join-panel", "aria-labelledby": "joinp-h", "data-testid": "join-panel" },
    heading, h("p", { text: _("Scan the code with your phone's camera, or type the address:") }), qr, url, codeLine);
  function update(store) {
    const v = store.view;
    const phase = v ? v.phase : "lobby";
    el.hidden = phase === "ended";
    el.classList.toggle("compact", phase !== "lobby");
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
  const heading = h("h2", { id: "signed-h", text: _("Signed deals") });
  const fwHeading = h("h3", { text: _("Frameworks on the table (not binding)") });
  const fwList = h("ul", { class: "deals", "data-testid": "frameworks" });
  const el = h("section", { class: "panel", id: "signed", "aria-labelledby": "signed-h" }, heading, list, more, fwHeading, fwList);
  function update(store) {
    const v = store.view;
    if (!v || !changed(el, [v.deals, v.seats && Object.keys(v.seats)])) return;
    // frameworks are not signed deals: they have their own list until a deal makes them binding
    const frameworks = v.deals.filter((d) => d.framework);
    fill(fwList, frameworks.map((d) => dealElement(v, d, { testid: "framework", compact: true })));
    fwHeading.hidden = fwList.hidden = !frameworks.length;
    const all = v.deals.filter((d) => !d.framework).sort((a, b) => (b.signed_round - a.signed_round) ||
      (Number(b.id.replace(/\D/g, "")) - Number(a.id.replace(/\D/g, ""))));
    const deals = all.slice(0, limit);
    heading.textContent = all.length ? fmt(_("Signed deals (%(n)s)"), { n: all.length }) : _("Signed deals");
    more.textContent = all.length > limit ? fmt(_("…and %(n)s earlier."), { n: all.length - limit }) : "";
    fill(list, deals.length ? deals.map((d) => dealElement(v, d, { extra: compact ? null : signedInfo(v, d), testid: "signed-deal", compact }))
      : h("li", { class: "muted empty", text: _("No deal has been signed yet.") }));
  }
  return { el, update };
}

/** The headline per country. `paged` (the projector): on a 1080p screen, where the column
 * cannot scroll, the table shows as many countries as fit and turns to the next ones every
 * PAGE_MS, so a 13- or 16-country table is read whole in turn. */
const PAGE_MS = 8000;
export function createHeadline(app, { paged = false } = {}) {
  const body = h("div", {});
  const el = h("section", { class: "panel", id: "headline", "aria-labelledby": "headline-h" },
    h("h2", { id: "headline-h", text: _("Countries") }), body);
  const screen = window.matchMedia("(min-width: 1800px) and (min-height: 900px)");
  let caption = "";
  let per = 0; // countries a page; 0: all of them
  let page = 0;

  function show() {
    const rows = [...body.querySelectorAll("tbody tr")];
    const cap = body.querySelector("caption");
    const pages = per ? Math.ceil(rows.length / per) : 1;
    page %= pages;
    rows.forEach((r, i) => { r.hidden = pages > 1 && Math.floor(i / per) !== page; });
    if (cap) cap.textContent = pages > 1 ? fmt(_("%(caption)s · countries %(from)s to %(to)s of %(n)s"),
      { caption, from: page * per + 1, to: Math.min(rows.length, (page + 1) * per), n: rows.length }) : caption;
  }

  function layout() {
    per = 0;
    show();
    const area = el.closest(".area");
    const rows = [...body.querySelectorAll("tbody tr")];
    if (!paged || !screen.matches || !area || el.hidden || !rows.length) return;
    const bottom = area.getBoundingClientRect().bottom;
    const over = () => el.getBoundingClientRect().bottom > bottom + 1;
    if (!over()) return;
    per = rows.length;
    while (per > 1 && over()) {
      per -= 1;
      show(); // the caption names the page too
    }
  }

  function update(store) {
    const v = store.view;
    if (!v) return;
    const last = (v.reports || [])[v.reports.length - 1] || null;
    if (!changed(el, [last, v.seats, v.phase])) return;
    caption = last ? fmt(_("After round %(n)s"), { n: last.round }) : _("Before the first round is resolved");
    fill(body, headlineTable(v, last, { caption }));
    if (paged) requestAnimationFrame(layout); // once the other panels have their height
  }
  if (paged) {
    window.addEventListener("resize", () => requestAnimationFrame(layout));
    setInterval(() => { if (per) { page += 1; show(); } }, PAGE_MS);
  }
  return { el, update };
}

export function createAnnouncements(app, { plenary = 4 } = {}) {
  const ann = h("ol", { class: "messages big-messages", "data-testid": "announcements" });
  const plen = h("ol", { class: "messages" });
  const el = h("section", { class: "panel", id: "announcements", "aria-labelledby": "ann-h" },
    h("h2", { id: "ann-h", text: _("Announcements") }), ann,
    plenary ? h("h3", { class: "sub", text: _("Plenary (everyone)") }) : null, plenary ? plen : null);
  function update(store) {
    const msgs = [...store.chat.values()];
    const a = msgs.filter((m) => m.room === ANNOUNCE && !m.hidden).slice(-3).reverse();
    const p = msgs.filter((m) => m.room === PLENARY && !m.hidden).slice(-plenary);
    if (!changed(el, [a.map((m) => m.id), p.map((m) => m.id)])) return;
    fill(ann, a.length ? a.map((m) => messageElement(store.view, m)) : h("li", { class: "muted empty", text: _("No announcements.") }));
    fill(plen, p.length ? p.map((m) => messageElement(store.view, m)) : h("li", { class: "muted empty", text: _("Quiet so far.") }));
  }
  return { el, update };
}
