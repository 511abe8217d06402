// Sealed orders for the resolution: refining, market sell/buy lines with limits, stockpile
// moves, domestic investments, export controls, tariffs and the environmental standard;
// and, for projects the seat finances abroad still being built (view.me.building), the
// investor's choice: keep, postpone a round, or abandon (orders.postpone / orders.abandon).
// Anything left on "automatic" is sent as null: the engine's default (keep last round's
// policies, refine as much as possible, sell surplus and buy shortfall at market).
import { h, fill, changed, select, field, num } from "../dom.js";
import { mineralName, mineralOptions, seatOptions, seatName, otherSeats, money, int, bp, formName } from "../format.js";
import { createLines } from "./lines.js";
import { priceTable } from "../render/prices.js";
import { _, fmt, ngettext, tip } from "../i18n.js";

const PROJECT_CHOICES = [["keep", _("Keep building it")], ["postpone", _("Put it back a round (−1 reputation)")],
  ["abandon", _("Give it up: a broken promise, the host pays you back what is not built")]];
const FORMS = [{ value: "refined", label: _("refined") }, { value: "ore", label: _("ore") }];

function ordersSummary(view, o) {
  const items = [];
  const name = (m) => mineralName(view, m);
  const seats = (ts) => ts.map((t) => seatName(view, t)).join(", ");
  if (o.refine) items.push(`${_("Refine")}: ${Object.entries(o.refine).map(([m, q]) => `${name(m)} ${q}`).join(", ") || _("nothing")}`);
  else items.push(_("Refine: as much as possible"));
  const market = (label, lines, sell) => {
    if (lines === null || lines === undefined) return `${label}: ${_("automatic")}`;
    if (!lines.length) return `${label}: ${_("nothing")}`;
    return `${label}: ${lines.map((l) => fmt(sell ? _("%(qty)s %(form)s %(mineral)s at %(price)s or more") : _("%(qty)s %(form)s %(mineral)s at %(price)s or less"),
      { qty: l.qty, form: formName(l.form), mineral: name(l.mineral), price: money(l.limit) })).join(", ")}`;
  };
  items.push(market(_("Sell"), o.sell, true), market(_("Buy"), o.buy, false));
  if (o.stockpile && o.stockpile.length) items.push(`${_("Reserve")}: ${o.stockpile.map((s) => fmt(_("%(mineral)s: put %(in)s in, take %(out)s out"), { mineral: name(s.mineral), in: s.buy, out: s.release })).join("; ")}`);
  if (o.invest && o.invest.length) items.push(`${_("Build")}: ${o.invest.map((i) => fmt(i.kind === "mine" ? _("%(n)s more lots/round of %(mineral)s mining") : _("%(n)s more lots/round of %(mineral)s refining"), { n: i.capacity, mineral: name(i.mineral) })).join(", ")}`);
  if (o.controls) items.push(`${_("Export bans")}: ${o.controls.length ? o.controls.map((c) => `${formName(c.form)} ${name(c.mineral)} → ${seats(c.targets)}`).join("; ") : _("none")}`);
  if (o.tariffs) items.push(`${_("Import taxes")}: ${o.tariffs.length ? o.tariffs.map((t) => fmt(_("%(rate)s on %(mineral)s from %(from)s"), { rate: bp(t.rate_bp), mineral: name(t.mineral), from: seats(t.targets) })).join("; ") : _("none")}`);
  if (o.env_standard !== null && o.env_standard !== undefined) items.push(`${_("Environmental standard")}: ${o.env_standard}`);
  const chosen = [...(o.postpone || []).map((d) => [d, _("put back a round")]), ...(o.abandon || []).map((d) => [d, _("abandoned")])];
  if (chosen.length) items.push(`${_("Projects you finance abroad")}: ${chosen.map(([d, what]) => `${projectName(view, d)}: ${what}`).join("; ")}`);
  return items;
}

/** "a lithium refinery in Minerland (deal D3)": what a deal's projects build, and where. */
function projectName(view, deal) {
  const rows = ((view.me && view.me.building) || []).filter((b) => b.deal === deal);
  if (!rows.length) return fmt(_("deal %(deal)s"), { deal });
  const what = rows.map((b) => fmt(b.kind === "mine" ? _("a %(mineral)s mine") : _("a %(mineral)s refinery"), { mineral: mineralName(view, b.mineral).toLowerCase() })).join(", ");
  return fmt(_("%(what)s in %(host)s (deal %(deal)s)"), { what, host: seatName(view, rows[0].partner), deal });
}

export function createOrdersForm(app) {
  const view = () => app.store.view;
  const minerals = () => mineralOptions(view());
  const targets = () => [{ value: "ALL", label: _("everyone") }, ...seatOptions(view(), otherSeats(view(), app.seat()))];

  const status = h("div", { class: "orders-status", "data-testid": "orders-status" });
  const pricesBox = h("div", {});
  const refineBox = h("div", { class: "refine-grid" });
  const refineInputs = {};

  const marketLine = (label, testid) => createLines({ addLabel: label === "sell" ? _("Add a sell line") : _("Add a buy line"), testid, columns: [
    { key: "mineral", label: _("Mineral"), kind: "select", options: minerals },
    { key: "form", label: _("Form"), kind: "select", options: () => FORMS, value: "refined" },
    { key: "qty", label: _("Lots"), kind: "number", value: 1, min: 1 },
    { key: "limit", label: label === "sell" ? _("Lowest price") : _("Highest price"), kind: "number", value: 0 }] });
  const sell = marketLine("sell", "sell-lines");
  const buy = marketLine("buy", "buy-lines");
  const sellAuto = h("input", { type: "checkbox", checked: true });
  const buyAuto = h("input", { type: "checkbox", checked: true });
  const stockpile = createLines({ addLabel: _("Add a reserve move"), testid: "stockpile-lines", columns: [
    { key: "mineral", label: _("Mineral"), kind: "select", options: minerals },
    { key: "buy", label: _("Put into reserve"), kind: "number", value: 0 },
    { key: "release", label: _("Take out of reserve"), kind: "number", value: 0 }] });
  const invest = createLines({ addLabel: _("Add a building project"), testid: "invest-lines", columns: [
    { key: "mineral", label: _("Mineral"), kind: "select", options: minerals },
    { key: "kind", label: _("Build"), kind: "select", options: () => [{ value: "mine", label: _("a mine") }, { value: "refine", label: _("a refinery") }] },
    { key: "capacity", label: _("Extra lots per round"), kind: "number", value: 1, min: 1 }] });
  const investCost = h("p", { class: "muted small" });
  const controls = createLines({ addLabel: _("Add an export ban"), testid: "control-lines", columns: [
    { key: "mineral", label: _("Mineral"), kind: "select", options: minerals },
    { key: "form", label: _("Form"), kind: "select", options: () => FORMS },
    { key: "target", label: _("Against"), kind: "select", options: targets }] });
  const controlsKeep = h("input", { type: "checkbox", checked: true });
  const tariffs = createLines({ addLabel: _("Add an import tax"), testid: "tariff-lines", columns: [
    { key: "mineral", label: _("Mineral"), kind: "select", options: minerals },
    { key: "target", label: _("On imports from"), kind: "select", options: targets },
    { key: "rate", label: _("Tax rate (%)"), kind: "number", value: 10, max: 100 }] });
  const tariffsKeep = h("input", { type: "checkbox", checked: true });
  // the investor's choice, one per deal (the orders name deals): deal id -> its <select>
  const projectsBox = h("div", { "data-testid": "projects-abroad" });
  const projectsGroup = h("fieldset", { class: "orders-group", style: { minWidth: 0 } },
    h("legend", {}, _("Projects you finance abroad"), tip("invest")),
    h("p", { class: "muted small", text: _("Mines and refineries you pay for in another country under a deal, not finished yet. You may let the building go on, put it back a round, or give it up.") }),
    h("p", { class: "muted small" }, _("Giving it up breaks your promise"), tip("breach")),
    projectsBox);
  let projectChoices = {};
  let projectsRound = null; // a choice costs reputation or breaks a deal: each round starts at "keep"
  const standard = select({ "data-testid": "orders-standard" }, []);
  const submit = h("button", { type: "submit", class: "btn btn-primary", text: _("Submit orders"), "data-testid": "submit-orders" });
  const defaults = h("button", { type: "button", class: "btn", text: _("Use the defaults for everything"), "data-testid": "submit-defaults",
    on: { click: () => send({}, _("Default orders submitted.")) } });

  const toggled = (checkbox, editor) => {
    const sync = () => { editor.el.hidden = checkbox.checked; };
    checkbox.addEventListener("change", sync);
    sync();
  };
  toggled(sellAuto, sell);
  toggled(buyAuto, buy);
  toggled(controlsKeep, controls);
  toggled(tariffsKeep, tariffs);
  invest.el.addEventListener("input", () => showCost());
  invest.el.addEventListener("change", () => showCost());
  invest.el.addEventListener("click", () => setTimeout(showCost));

  const group = (title, tipKey, ...children) => h("fieldset", { class: "orders-group" }, h("legend", {}, title, tipKey ? tip(tipKey) : null), children);
  const form = h("form", { class: "orders-form", novalidate: true, "data-testid": "orders-form",
    on: { submit: (e) => { e.preventDefault(); send(collect(), _("Orders submitted.")); } } },
  status,
  group(_("Production: ore to refine"), "refined", h("p", { class: "muted small", text: _("Leave blank to refine as much as capacity and ore allow.") }), refineBox),
  group(_("Market: sell and buy"), "limit", pricesBox,
    h("label", { class: "check" }, sellAuto, " ", _("Sell automatically (what you do not need, at the market price)")), sell.el,
    h("label", { class: "check" }, buyAuto, " ", _("Buy automatically (what you are missing, at the market price)")), buy.el),
  group(_("Emergency reserve"), "stockpile", stockpile.el),
  group(_("Build at home"), "capacity", invest.el, investCost),
  projectsGroup,
  group(_("Export bans"), "export_control", h("label", { class: "check" }, controlsKeep, " ", _("Keep the bans in force")), controls.el),
  group(_("Import taxes"), "tariff", h("label", { class: "check" }, tariffsKeep, " ", _("Keep the taxes in force")), tariffs.el),
  group(_("Environmental standard"), "standards", field(_("Standard (0–3)"), standard)),
  h("div", { class: "btn-row" }, submit, defaults));

  const closed = h("p", { class: "muted", "data-testid": "orders-closed", text: _("Orders open when negotiation ends.") });
  const el = h("section", { class: "panel", id: "orders", "aria-labelledby": "orders-h", "data-testid": "orders" },
    h("h2", { id: "orders-h" }, _("Secret orders"), tip("orders")), closed, form);

  function showCost() {
    const v = view();
    if (!v) return;
    let cost = 0;
    for (const line of invest.values()) {
      const m = v.minerals.find((x) => x.id === line.mineral);
      if (m) cost += line.capacity * (line.kind === "mine" ? m.capex_mine : m.capex_refine);
    }
    investCost.textContent = cost ? fmt(_("Cost now: %(cost)s (you have %(treasury)s)."), { cost: money(cost), treasury: money(v.me.treasury) }) : "";
  }

  function collect() {
    const orders = {};
    const refine = {};
    for (const [m, input] of Object.entries(refineInputs)) {
      if (input.value !== "") refine[m] = Math.trunc(Number(input.value));
    }
    if (Object.keys(refine).length) orders.refine = refine;
    if (!sellAuto.checked) orders.sell = sell.values();
    if (!buyAuto.checked) orders.buy = buy.values();
    const sp = stockpile.values().filter((s) => s.buy || s.release);
    if (sp.length) orders.stockpile = sp;
    const inv = invest.values();
    if (inv.length) orders.invest = inv;
    if (!controlsKeep.checked) {
      orders.controls = controls.values().map((c) => ({ mineral: c.mineral, form: c.form, targets: [c.target] }));
    }
    if (!tariffsKeep.checked) {
      orders.tariffs = tariffs.values().map((t) => ({ mineral: t.mineral, targets: [t.target], rate_bp: Math.round(t.rate * 100) }));
    }
    if (standard.value !== "keep") orders.env_standard = Number(standard.value);
    const pick = (choice) => Object.entries(projectChoices).filter(([, s]) => s.value === choice).map(([d]) => d);
    if (pick("postpone").length) orders.postpone = pick("postpone");
    if (pick("abandon").length) orders.abandon = pick("abandon");
    return orders;
  }

  async function send(orders, done) {
    submit.disabled = defaults.disabled = true;
    const ack = await app.act({ type: "submit_orders", orders }, done);
    submit.disabled = defaults.disabled = false;
    return ack;
  }

  function buildRefine(v) {
    const pub = v.seats[app.seat()];
    fill(refineBox, v.minerals.map((m) => {
      const cap = (pub.capacity[m.id] || {}).refine || 0;
      const ore = ((v.me.holdings || {})[m.id] || {}).ore || 0;
      const input = refineInputs[m.id] || num({ min: 0, placeholder: _("max"), "data-mineral": m.id });
      refineInputs[m.id] = input;
      return field(mineralName(v, m.id), input, fmt(_("can refine %(cap)s, ore held %(ore)s"), { cap: int(cap), ore: int(ore) }));
    }));
  }

  function buildProjects(v) {
    const deals = [...new Set((v.me.building || []).map((b) => b.deal))];
    projectsGroup.hidden = !deals.length;
    if (projectsRound !== v.round) projectChoices = {};
    projectsRound = v.round;
    const sent = v.me.orders || {};
    const was = (d) => (projectChoices[d] ? projectChoices[d].value
      : (sent.postpone || []).includes(d) ? "postpone" : (sent.abandon || []).includes(d) ? "abandon" : "keep");
    const next = {};
    fill(projectsBox, deals.map((d) => {
      const rows = v.me.building.filter((b) => b.deal === d);
      const when = Math.min(...rows.map((b) => b.arrives));
      const lots = rows.reduce((n, b) => n + b.lots, 0);
      // radios, not a select: the choices' words wrap on a phone
      const radios = PROJECT_CHOICES.map(([value]) => h("input", { type: "radio", name: `project-${d}`, value,
        checked: value === was(d), "data-testid": `project-${d}-${value}` }));
      next[d] = { get value() { return (radios.find((r) => r.checked) || { value: "keep" }).value; } };
      return h("fieldset", { "data-testid": `project-choice-${d}`, "data-deal": d, style: { border: 0, padding: 0, margin: ".5rem 0", minWidth: 0 } },
        h("legend", { class: "field-label", text: projectName(v, d) }),
        h("small", { class: "hint", text: fmt(ngettext("%(n)s new lot per round, ready at the end of round %(round)s.",
          "%(n)s new lots per round, ready at the end of round %(round)s.", lots), { n: int(lots), round: when }) }),
        radios.map((r, i) => h("label", { class: "check" }, r, " ", PROJECT_CHOICES[i][1])));
    }));
    projectChoices = next;
  }

  function update(store) {
    const v = store.view;
    if (!v || !v.me) return;
    const open = store.can("submit_orders");
    form.hidden = !open;
    closed.hidden = open;
    closed.textContent = v.phase === "ended" ? _("The game is over.") : _("Orders open when negotiation ends.");
    if (changed(pricesBox, [v.prices, v.minerals.length])) fill(pricesBox, priceTable(v, { testid: "orders-prices" }));
    if (!changed(el, [v.me.orders, v.me.holdings, v.me.building, v.seats[app.seat()], v.phase, v.round, v.forge.min_standard, open])) return;
    buildRefine(v);
    buildProjects(v);
    const pub = v.seats[app.seat()];
    const min = pub.forge_member ? v.forge.min_standard : 0;
    const opts = [{ value: "keep", label: fmt(_("keep (now %(n)s)"), { n: pub.env_standard }) },
      ...[0, 1, 2, 3].map((n) => ({ value: String(n), label: n < min ? fmt(_("%(n)s (below the FORGE minimum)"), { n }) : String(n) }))];
    const was = standard.value || "keep";
    fill(standard, opts.map((o) => h("option", { value: o.value, text: o.label })));
    standard.value = opts.some((o) => o.value === was) ? was : "keep";
    for (const ed of [sell, buy, stockpile, invest, controls, tariffs]) ed.refresh();
    const mine = v.me.orders;
    fill(status, mine
      ? [h("p", { class: "ok-line", text: _("✓ Orders submitted. You may change them until the phase ends.") }),
        h("ul", { class: "plain small" }, ordersSummary(v, mine).map((t) => h("li", { text: t })))]
      : h("p", { class: "warn-line", text: _("Not submitted yet: if you submit nothing, the defaults apply.") }));
    showCost();
  }

  return { el, update };
}
