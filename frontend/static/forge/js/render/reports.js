// Round reports: the public part (prices, volumes, controls, deals signed, headline per
// country) and, for a seat, its private part (money, holdings, fills, deliveries, breaches).
import { h, fill, changed } from "../dom.js";
import { keyName, money, int, bp, seatName, mineralName, formName } from "../format.js";
import { _, fmt } from "../i18n.js";

function table(caption, head, rows, { testid } = {}) {
  return h("div", { class: "table-wrap" }, h("table", { class: "data", "data-testid": testid || null },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {}, head.map((x) => h("th", { scope: "col", text: x })))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => (i === 0 ? h("th", { scope: "row", text: c }) : h("td", { text: c }))))))));
}

/** The headline per country: reputation, standard, demand met, shortage, output. */
export function headlineTable(view, report, { caption = _("Each country at a glance"), testid = "headline" } = {}) {
  const hl = (report && report.headline) || {};
  const ids = Object.keys(view.seats);
  const rows = ids.map((id) => {
    const x = hl[id] || {};
    const s = view.seats[id];
    return [seatName(view, id), String(s.reputation), String(s.env_standard),
      x.demand_met_bp === undefined ? "—" : bp(x.demand_met_bp), x.shortage === undefined ? "—" : int(x.shortage),
      x.output_value === undefined ? "—" : money(x.output_value), s.forge_member ? `✓ ${_("member")}` : _("no")];
  });
  return table(caption, [_("Country"), _("Reputation"), _("Standard"), _("Demand met"), _("Shortage (lots)"), _("Factory output"), "FORGE"], rows, { testid });
}

export function publicReport(view, r) {
  const keys = Object.keys(r.prices || {});
  const market = table(fmt(_("Round %(n)s market"), { n: r.round }), [_("Market"), _("Price ($M per lot)"), _("Lots traded")],
    keys.map((k) => [keyName(view, k), !r.prices[k] ? _("no trade") : int(r.prices[k]), int((r.volumes || {})[k])]), { testid: "report-market" });
  const controls = Object.entries(r.controls || {});
  return h("div", { class: "report-public" },
    market,
    headlineTable(view, r, { caption: fmt(_("Round %(n)s: each country"), { n: r.round }) }),
    h("p", { class: "small" }, h("strong", { text: `${_("Deals signed:")} ` }),
      (r.deals_signed || []).length ? String(r.deals_signed.length) : _("none")),
    controls.length ? h("p", { class: "small" }, h("strong", { text: `${_("Export bans in force:")} ` }),
      controls.map(([s, cs]) => `${seatName(view, s)}: ${cs.map((c) => `${mineralName(view, c.mineral)} ${formName(c.form)} → ${c.targets.map((t) => seatName(view, t)).join(", ")}`).join("; ")}`).join(" · ")) : null,
    r.forge ? h("p", { class: "small" }, h("strong", { text: "FORGE: " }),
      fmt(_("%(n)s members, fund %(fund)s, floor prices: %(floors)s"), { n: r.forge.members.length, fund: money(r.forge.fund),
        floors: Object.entries(r.forge.floors || {}).map(([k, p]) => `${keyName(view, k)} ≥ ${money(p)}`).join(", ") || _("none") })) : null);
}

export function privateReport(view, p, me) {
  if (!p) return null;
  const hold = Object.entries(p.holdings || {}).map(([m, x]) => [mineralName(view, m), int(x.ore), int(x.refined), int(x.stockpile)]);
  const fills = (p.fills || []).map((f) => [keyName(view, `${f.mineral}:${f.form}`),
    fmt(f.seller === me ? _("sold to %(seat)s") : _("bought from %(seat)s"), { seat: seatName(view, f.seller === me ? f.buyer : f.seller) }),
    int(f.qty), money(f.price), f.tariff ? money(f.tariff) : ""]);
  const deliveries = (p.deliveries || []).map((d) => [keyName(view, `${d.mineral}:${d.form}`),
    fmt(d.seller === me ? _("to %(seat)s") : _("from %(seat)s"), { seat: seatName(view, d.seller === me ? d.buyer : d.seller) }),
    fmt(_("%(qty)s of %(due)s"), { qty: int(d.qty), due: int(d.due) }), money(d.price)]);
  const breaches = p.breaches || [];
  const projects = (p.investments || []).map((x) => investorChoice(view, x, me));
  return h("div", { class: "report-private", "data-testid": "report-private" },
    h("h3", { class: "sub", text: _("My results (private)") }),
    h("p", {}, fmt(_("Treasury after the round: %(treasury)s · reserve money %(budget)s"), { treasury: money(p.treasury), budget: money(p.stockpile_budget) })),
    table(_("What you hold after the round"), [_("Mineral"), _("Ore"), _("Refined"), _("Reserve")], hold),
    fills.length ? table(_("Market trades"), [_("Market"), _("Trade"), _("Lots"), _("Price"), _("Import tax")], fills) : h("p", { class: "muted small", text: _("No market trades.") }),
    deliveries.length ? table(_("Deliveries under your deals"), [_("Market"), _("Direction"), _("Delivered"), _("Price")], deliveries) : null,
    projects.length ? h("ul", { class: "plain small", "data-testid": "report-investments" }, projects.map((t) => h("li", { text: t }))) : null,
    breaches.length ? h("p", { class: "warn-line", text: fmt(_("Broken promises: %(n)s (see the deals list)."), { n: breaches.length }) }) : null);
}

/** An investor's choice on a project under a deal (orders.postpone / abandon), as the
 * investor or the host reads it; a project still on its way says when it now arrives. */
function investorChoice(view, x, me) {
  const v = { deal: x.deal, host: seatName(view, x.host), investor: seatName(view, x.investor), refund: money(x.refund) };
  let text;
  if (x.investor === me) {
    text = x.choice === "postponed" ? fmt(_("You put back your project in %(host)s (deal %(deal)s) by a round: −1 reputation."), v)
      : fmt(_("You gave up your project in %(host)s (deal %(deal)s): a broken promise. %(host)s paid you back %(refund)s."), v);
  } else {
    text = x.choice === "postponed" ? fmt(_("%(investor)s put back its project in your country (deal %(deal)s) by a round."), v)
      : fmt(_("%(investor)s gave up its project in your country (deal %(deal)s): a broken promise. You paid back %(refund)s."), v);
  }
  const still = ((view.me && view.me.building) || []).filter((b) => b.deal === x.deal);
  if (x.choice === "postponed" && still.length) {
    text += ` ${fmt(_("Now ready at the end of round %(n)s."), { n: Math.min(...still.map((b) => b.arrives)) })}`;
  }
  return text;
}

export function createReportsPanel(app, { privateFor = null } = {}) {
  let chosen = null; // round number, or null for the latest
  const tabs = h("div", { class: "room-tabs", role: "tablist", "aria-label": _("Round") });
  const body = h("div", {});
  const el = h("section", { class: "panel", id: "reports", "aria-labelledby": "reports-h", "data-testid": "reports" },
    h("h2", { id: "reports-h", text: _("Round reports") }), tabs, body);

  function update(store) {
    const v = store.view;
    if (!v) return;
    const seat = privateFor ? privateFor() : null;
    const mine = seat && v.me ? v.me.reports : null;
    if (!changed(el, [v.reports, mine, chosen, v.seats])) return;
    const reports = v.reports || [];
    if (!reports.length) {
      fill(tabs);
      fill(body, h("p", { class: "muted", text: _("The first report comes after round 1 is resolved.") }));
      return;
    }
    const round = chosen && reports.some((r) => r.round === chosen) ? chosen : reports[reports.length - 1].round;
    fill(tabs, reports.map((r) => h("button", { type: "button", role: "tab", class: `tab${r.round === round ? " active" : ""}`,
      "aria-selected": r.round === round ? "true" : "false", text: fmt(_("Round %(n)s"), { n: r.round }),
      on: { click: () => { chosen = r.round; update(app.store); } } })));
    const r = reports.find((x) => x.round === round);
    const p = mine ? mine.find((x) => x.round === round) : null;
    fill(body, publicReport(v, r), p ? privateReport(v, p, seat) : null);
  }
  return { el, update };
}
