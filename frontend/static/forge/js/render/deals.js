// Deals: my proposals (incoming with Accept / Reject / Counter, outgoing with Withdraw),
// my active deals (Cancel), history, every signed deal, and the builder.
import { h, fill, changed } from "../dom.js";
import { clauseText, dealTitle, frameworkText, seatName, STATUS_LABELS } from "../format.js";
import { _, fmt, tip } from "../i18n.js";
import { createDealBuilder } from "../forms/deal_builder.js";
import { engineNote, noteSaid, saidText } from "../said.js";

function byBot(view, d) {
  const who = d.proposer;
  if (who && view.seats[who]) return view.seats[who].controller === "bot";
  return /^r\d+ /.test(d.note || "");
}

export function dealElement(view, d, { buttons = [], extra = null, testid = "deal", compact = false } = {}) {
  return h("li", { class: `deal deal-${d.status}`, "data-deal": d.id, "data-testid": testid },
    h("div", { class: "deal-head" },
      h("strong", { text: dealTitle(view, d) }),
      h("span", { class: `pill status-${d.status}`, text: STATUS_LABELS[d.status] || d.status }),
      d.version > 1 ? h("span", { class: "pill", text: fmt(_("counter-offer %(n)s"), { n: d.version - 1 }) }) : null),
    d.framework ? h("div", { class: "framework-text" }, frameworkText(view, d).map((t) => h("p", { class: "small", text: t })))
      : h("ul", { class: "clause-list" }, d.clauses.map((c) => h("li", { text: clauseText(view, c) }))),
    d.note && !compact ? noteElement(view, d) : null,
    extra,
    buttons.length ? h("div", { class: "btn-row" }, buttons) : null);
}

// A person's note as written; a computer player's from its key and params, in the page's
// language (never its English workings or its strategy).
function noteElement(view, d) {
  const made = engineNote(d.note);
  if (made) return h("p", { class: "note note-bot", text: made });
  if (!byBot(view, d)) return h("p", { class: "note", text: `“${d.note}”` });
  const text = saidText(view, noteSaid(d.note));
  return text ? h("p", { class: "note note-bot", "data-testid": "bot-note",
    text: fmt(_("The computer player's note: “%(note)s”"), { note: text }) }) : null;
}

export function signedInfo(view, d) {
  const bits = [];
  if (d.upgrades) bits.push(fmt(_("makes the %(framework)s framework binding"), { framework: d.upgrades }));
  if (d.signed_round) bits.push(fmt(_("signed in round %(n)s"), { n: d.signed_round }));
  if (d.rounds_done) bits.push(fmt(_("%(done)s of %(n)s rounds done"), { done: d.rounds_done, n: d.rounds }));
  if (d.breaches) bits.push(fmt(_("promises broken: %(n)s"), { n: d.breaches }));
  if (d.cancel_by) bits.push(fmt(_("%(who)s asked to cancel"), { who: seatName(view, d.cancel_by) }));
  return bits.length ? h("p", { class: "muted small", text: bits.join(" · ") }) : null;
}

export function createDealsPanel(app) {
  const builder = createDealBuilder(app);
  const incoming = h("ul", { class: "deals", "data-testid": "incoming" });
  const outgoing = h("ul", { class: "deals", "data-testid": "outgoing" });
  const active = h("ul", { class: "deals", "data-testid": "active-deals" });
  const history = h("ul", { class: "deals" });
  const publicList = h("ul", { class: "deals" });
  const historyBox = h("details", {}, h("summary", { text: _("Closed offers and finished deals") }), history);
  const publicBox = h("details", {}, h("summary", { text: _("All signed deals at the table") }), publicList);
  const el = h("section", { class: "panel", id: "deals", "aria-labelledby": "deals-h" },
    h("h2", { id: "deals-h" }, _("Deals"), tip("deal")),
    h("h3", { class: "sub", text: _("Offers to me") }), incoming,
    h("h3", { class: "sub", text: _("My offers") }), outgoing,
    h("h3", { class: "sub", text: _("Active deals") }), active,
    historyBox, publicBox,
    builder.el);

  const empty = (text) => h("li", { class: "muted empty", text });

  function update(store) {
    builder.update(store);
    const v = store.view;
    if (!v || !v.me) return;
    const me = app.seat();
    const legal = store.legal ? store.legal.actions : [];
    const canCounter = store.can("counter_deal");
    if (!changed(el, [v.proposals, v.deals, legal, canCounter, v.seats && Object.keys(v.seats)])) return;
    const has = (type, deal) => store.legalActions(type, { deal }).length > 0;
    const props = v.proposals || [];
    const inc = props.filter((d) => d.status === "proposed" && d.recipient === me);
    const out = props.filter((d) => d.status === "proposed" && d.proposer === me);
    const mineSigned = v.deals.filter((d) => d.parties.includes(me));
    // my frameworks (not binding yet) sit with my active deals: they are still to be acted on
    const act = mineSigned.filter((d) => d.status === "active" || d.status === "framework");
    const done = [...props.filter((d) => d.status !== "proposed"),
      ...mineSigned.filter((d) => d.status !== "active" && d.status !== "framework")];

    fill(incoming, inc.length ? inc.map((d) => dealElement(v, d, { testid: "incoming-deal", buttons: [
      has("accept_deal", d.id) ? h("button", { type: "button", class: "btn btn-primary", text: _("Accept"),
        on: { click: () => app.act({ type: "accept_deal", deal: d.id }, _("Deal accepted.")) } }) : null,
      has("reject_deal", d.id) ? h("button", { type: "button", class: "btn", text: _("Reject"),
        on: { click: () => app.act({ type: "reject_deal", deal: d.id }, _("Rejected.")) } }) : null,
      canCounter ? h("button", { type: "button", class: "btn", text: _("Counter-offer"),
        on: { click: () => builder.counter(d) } }) : null,
    ].filter(Boolean) })) : empty(_("No offers waiting for you.")));

    fill(outgoing, out.length ? out.map((d) => dealElement(v, d, { testid: "outgoing-deal",
      extra: h("p", { class: "muted small", text: fmt(_("Waiting for %(who)s."), { who: seatName(v, d.recipient) }) }),
      buttons: [has("withdraw_deal", d.id) ? h("button", { type: "button", class: "btn", text: _("Withdraw"),
        on: { click: () => app.act({ type: "withdraw_deal", deal: d.id }, _("Withdrawn.")) } }) : null].filter(Boolean) }))
      : empty(_("You have no open offers.")));

    fill(active, act.length ? act.map((d) => dealElement(v, d, { testid: d.framework ? "framework" : "active-deal", extra: signedInfo(v, d),
      buttons: [has("cancel_deal", d.id) ? h("button", { type: "button", class: "btn btn-quiet",
        text: d.cancel_by ? _("Agree to cancel") : _("Ask to cancel"),
        on: { click: () => app.act({ type: "cancel_deal", deal: d.id }, _("Cancellation requested.")) } }) : null].filter(Boolean) }))
      : empty(_("No active deals yet.")));

    fill(history, done.length ? done.slice().reverse().map((d) => dealElement(v, d, { extra: signedInfo(v, d) }))
      : empty(_("Nothing yet.")));
    historyBox.querySelector("summary").textContent = fmt(_("Closed offers and finished deals (%(n)s)"), { n: done.length });
    const others = v.deals.slice().reverse();
    fill(publicList, others.length ? others.map((d) => dealElement(v, d, { extra: signedInfo(v, d) }))
      : empty(_("No deal has been signed yet.")));
    publicBox.querySelector("summary").textContent = fmt(_("All signed deals at the table (%(n)s)"), { n: others.length });
  }
  return { el, update };
}
