// The advisor (player console, only when the facilitator has switched it on): the
// cooperative bot's view of the best deal to propose, a verdict on each offer addressed to
// this seat, and suggested orders, each with a reason in plain words. Every use is recorded
// for the facilitator's debrief. All server strings go in as text. Each reason is said from
// its key and params (said.js) in the page's language; the server's English is the
// fallback for a key this page does not know.
import { h, fill } from "../dom.js";
import { clauseText, seatName, replaceSeats } from "../format.js";
import { _, fmt, ngettext } from "../i18n.js";
import { PHASES } from "../format.js";
import { saidText } from "../said.js";

export function createAdvisorPanel(app) {
  const body = h("div", { class: "advice", "data-testid": "advice", "aria-live": "polite" });
  const ask = h("button", { type: "button", class: "btn", text: _("Ask the advisor"), "data-testid": "ask-advisor",
    on: { click: () => request() } });
  const note = h("p", { class: "muted small",
    text: _("The advisor is a computer player's opinion, from your country's information only. The facilitator sees when you use it.") });
  const el = h("section", { class: "panel", id: "advisor", "aria-labelledby": "advisor-h", "data-testid": "advisor", hidden: true },
    h("h2", { id: "advisor-h", text: _("Advisor") }), note, h("div", { class: "btn-row" }, ask), body);

  async function request() {
    ask.disabled = true;
    try {
      const ack = await app.send("advice", {}, { resend: false, safe: true });
      if (ack && ack.result) show(ack.result);
    } finally {
      ask.disabled = false;
    }
  }

  function show(a) {
    const v = app.store.view;
    const say = (said, english) => saidText(v, said) || replaceSeats(v, english);
    const parts = [h("p", { class: "muted small", text: fmt(_("Advice for round %(n)s, %(phase)s."), { n: a.round, phase: PHASES[a.phase] || a.phase }) })];
    if (a.proposal) {
      const p = a.proposal;
      parts.push(h("div", { class: "advice-item", "data-testid": "advice-proposal" },
        h("h3", { class: "sub", text: fmt(_("Propose to %(seat)s"), { seat: seatName(v, p.to) || p.to }) }),
        h("ul", { class: "plain" }, (p.clauses || []).map((c) => h("li", { text: clauseText(v, c) }))),
        h("p", { text: `${fmt(ngettext("For %(n)s round.", "For %(n)s rounds.", p.rounds), { n: p.rounds })} ${proposalReason(v, p)}` }),
        h("button", { type: "button", class: "btn btn-small", text: _("Propose this deal"),
          on: { click: () => app.act({ type: "propose_deal", to: p.to, clauses: p.clauses, rounds: p.rounds }, _("Proposed.")) } })));
    }
    for (const o of a.offers || []) {
      parts.push(h("div", { class: "advice-item", "data-testid": "advice-offer" },
        h("h3", { class: "sub", text: fmt(o.accept ? _("Offer from %(seat)s: accept") : _("Offer from %(seat)s: reject or counter"), { seat: seatName(v, o.from) || o.from }) }),
        h("p", { text: say(o.said, o.reason) })));
    }
    if (a.orders) {
      parts.push(h("div", { class: "advice-item", "data-testid": "advice-orders" },
        h("h3", { class: "sub", text: _("Orders") }),
        h("p", { text: ordersReason(a.orders) }),
        (a.orders.lines || []).length ? h("ul", { class: "plain" }, a.orders.lines.map((line, i) =>
          h("li", { text: say((a.orders.said_lines || [])[i], line) }))) : null,
        h("button", { type: "button", class: "btn btn-small", text: _("Submit these orders"),
          on: { click: () => app.act({ type: "submit_orders", orders: a.orders.orders }, _("Orders submitted.")) } })));
    }
    if (parts.length === 1) parts.push(h("p", { text: _("Nothing to advise right now: advice is given during negotiation and orders.") }));
    fill(body, parts);
  }

  function proposalReason(v, p) {
    const why = saidText(v, p.said);
    if (!why || p.points === undefined) return replaceSeats(v, p.reason);
    return fmt(_("Why: %(why)s. It should add about %(points)s points to your score."), { why, points: p.points });
  }

  function ordersReason(o) {
    if (!(o.lines || []).length) return _("Keep the defaults: nothing to add this round.");
    return _("Suggested because you should:");
  }

  function update(store) {
    el.hidden = !(app.role === "player" && store.settings.advisor);
  }
  return { el, update };
}
