// Round reports: the public part (prices, volumes, controls, deals signed, headline per
// country) and, for a seat, its private part (money, holdings, fills, deliveries, breaches).
import { h, fill, changed } from "../dom.js";
import { keyName, money, int, bp, seatName, mineralName } from "../format.js";

function table(caption, head, rows, { testid } = {}) {
  return h("div", { class: "table-wrap" }, h("table", { class: "data", "data-testid": testid || null },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {}, head.map((x) => h("th", { scope: "col", text: x })))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => (i === 0 ? h("th", { scope: "row", text: c }) : h("td", { text: c }))))))));
}

/** The headline per country: reputation, standard, demand met, shortage, output. */
export function headlineTable(view, report, { caption = "Headline per country", testid = "headline" } = {}) {
  const hl = (report && report.headline) || {};
  const ids = Object.keys(view.seats);
  const rows = ids.map((id) => {
    const x = hl[id] || {};
    const s = view.seats[id];
    return [seatName(view, id), String(s.reputation), String(s.env_standard),
      x.demand_met_bp === undefined ? "—" : bp(x.demand_met_bp), x.shortage === undefined ? "—" : int(x.shortage),
      x.output_value === undefined ? "—" : money(x.output_value), s.forge_member ? "✓" : ""];
  });
  return table(caption, ["Country", "Reputation", "Standard", "Demand met", "Shortage (lots)", "Output", "FORGE"], rows, { testid });
}

export function publicReport(view, r) {
  const keys = Object.keys(r.prices || {});
  const market = table(`Round ${r.round} market`, ["Market", "Price $M/lot", "Volume (lots)"],
    keys.map((k) => [keyName(view, k), int(r.prices[k]), int((r.volumes || {})[k])]), { testid: "report-market" });
  const controls = Object.entries(r.controls || {});
  return h("div", { class: "report-public" },
    market,
    headlineTable(view, r, { caption: `Round ${r.round} headline per country` }),
    h("p", { class: "small" }, h("strong", { text: "Deals signed: " }),
      (r.deals_signed || []).length ? r.deals_signed.join(", ") : "none"),
    controls.length ? h("p", { class: "small" }, h("strong", { text: "Export controls in force: " }),
      controls.map(([s, cs]) => `${seatName(view, s)}: ${cs.map((c) => `${c.form} ${mineralName(view, c.mineral)} → ${c.targets.join(", ")}`).join("; ")}`).join(" · ")) : null,
    r.forge ? h("p", { class: "small" }, h("strong", { text: "FORGE: " }),
      `${r.forge.members.length} members, fund ${money(r.forge.fund)}, floors: ${Object.entries(r.forge.floors || {}).map(([k, p]) => `${keyName(view, k)} ≥ ${money(p)}`).join(", ") || "none"}`) : null);
}

export function privateReport(view, p, me) {
  if (!p) return null;
  const hold = Object.entries(p.holdings || {}).map(([m, x]) => [mineralName(view, m), int(x.ore), int(x.refined), int(x.stockpile)]);
  const fills = (p.fills || []).map((f) => [keyName(view, `${f.mineral}:${f.form}`),
    f.seller === me ? `sold to ${seatName(view, f.buyer)}` : `bought from ${seatName(view, f.seller)}`,
    int(f.qty), money(f.price), f.tariff ? money(f.tariff) : ""]);
  const deliveries = (p.deliveries || []).map((d) => [d.deal, keyName(view, `${d.mineral}:${d.form}`),
    d.seller === me ? `to ${seatName(view, d.buyer)}` : `from ${seatName(view, d.seller)}`, `${int(d.qty)} of ${int(d.due)}`, money(d.price)]);
  const breaches = p.breaches || [];
  return h("div", { class: "report-private", "data-testid": "report-private" },
    h("h3", { class: "sub", text: "My results (private)" }),
    h("p", {}, `Treasury after the round: ${money(p.treasury)} · stockpile budget ${money(p.stockpile_budget)}`),
    table("Holdings after the round", ["Mineral", "Ore", "Refined", "Stockpile"], hold),
    fills.length ? table("Spot market fills", ["Market", "Trade", "Lots", "Price", "Tariff"], fills) : h("p", { class: "muted small", text: "No spot market fills." }),
    deliveries.length ? table("Deal deliveries", ["Deal", "Market", "Direction", "Delivered", "Price"], deliveries) : null,
    breaches.length ? h("p", { class: "warn-line", text: `Breaches: ${breaches.map((b) => (typeof b === "string" ? b : b.deal || JSON.stringify(b))).join(", ")}` }) : null);
}

export function createReportsPanel(app, { privateFor = null } = {}) {
  let chosen = null; // round number, or null for the latest
  const tabs = h("div", { class: "room-tabs", role: "tablist", "aria-label": "Round" });
  const body = h("div", {});
  const el = h("section", { class: "panel", id: "reports", "aria-labelledby": "reports-h", "data-testid": "reports" },
    h("h2", { id: "reports-h", text: "Round reports" }), tabs, body);

  function update(store) {
    const v = store.view;
    if (!v) return;
    const seat = privateFor ? privateFor() : null;
    const mine = seat && v.me ? v.me.reports : null;
    if (!changed(el, [v.reports, mine, chosen, v.seats])) return;
    const reports = v.reports || [];
    if (!reports.length) {
      fill(tabs);
      fill(body, h("p", { class: "muted", text: "The first report comes after round 1 is resolved." }));
      return;
    }
    const round = chosen && reports.some((r) => r.round === chosen) ? chosen : reports[reports.length - 1].round;
    fill(tabs, reports.map((r) => h("button", { type: "button", role: "tab", class: `tab${r.round === round ? " active" : ""}`,
      "aria-selected": r.round === round ? "true" : "false", text: `Round ${r.round}`,
      on: { click: () => { chosen = r.round; update(app.store); } } })));
    const r = reports.find((x) => x.round === round);
    const p = mine ? mine.find((x) => x.round === round) : null;
    fill(body, publicReport(v, r), p ? privateReport(v, p, seat) : null);
  }
  return { el, update };
}
