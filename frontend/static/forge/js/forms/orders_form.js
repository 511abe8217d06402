// Sealed orders for the resolution: refining, market sell/buy lines with limits, stockpile
// moves, domestic investments, export controls, tariffs and the environmental standard.
// Anything left on "automatic" is sent as null: the engine's default (keep last round's
// policies, refine as much as possible, sell surplus and buy shortfall at market).
import { h, fill, changed, select, field, num } from "../dom.js";
import { mineralName, mineralOptions, seatOptions, otherSeats, money, int, bp } from "../format.js";
import { createLines } from "./lines.js";

const FORMS = [{ value: "refined", label: "refined" }, { value: "ore", label: "ore" }];

function ordersSummary(view, o) {
  const items = [];
  const name = (m) => mineralName(view, m);
  if (o.refine) items.push(`Refine: ${Object.entries(o.refine).map(([m, q]) => `${name(m)} ${q}`).join(", ") || "nothing"}`);
  else items.push("Refine: as much as possible");
  const market = (label, lines) => {
    if (lines === null || lines === undefined) return `${label}: automatic`;
    if (!lines.length) return `${label}: nothing`;
    return `${label}: ${lines.map((l) => `${l.qty} ${l.form} ${name(l.mineral)} (limit ${money(l.limit)})`).join(", ")}`;
  };
  items.push(market("Sell", o.sell), market("Buy", o.buy));
  if (o.stockpile && o.stockpile.length) items.push(`Stockpile: ${o.stockpile.map((s) => `${name(s.mineral)} +${s.buy}/−${s.release}`).join(", ")}`);
  if (o.invest && o.invest.length) items.push(`Invest: ${o.invest.map((i) => `+${i.capacity} ${i.kind} ${name(i.mineral)}`).join(", ")}`);
  if (o.controls) items.push(`Export controls: ${o.controls.length ? o.controls.map((c) => `${c.form} ${name(c.mineral)} → ${c.targets.join(", ")}`).join("; ") : "none"}`);
  if (o.tariffs) items.push(`Tariffs: ${o.tariffs.length ? o.tariffs.map((t) => `${bp(t.rate_bp)} on ${name(t.mineral)} from ${t.targets.join(", ")}`).join("; ") : "none"}`);
  if (o.env_standard !== null && o.env_standard !== undefined) items.push(`Standard: ${o.env_standard}`);
  return items;
}

export function createOrdersForm(app) {
  const view = () => app.store.view;
  const minerals = () => mineralOptions(view());
  const targets = () => [{ value: "ALL", label: "everyone" }, ...seatOptions(view(), otherSeats(view(), app.seat()))];

  const status = h("div", { class: "orders-status", "data-testid": "orders-status" });
  const refineBox = h("div", { class: "refine-grid" });
  const refineInputs = {};

  const marketLine = (label, testid) => createLines({ addLabel: `Add ${label} line`, testid, columns: [
    { key: "mineral", label: "Mineral", kind: "select", options: minerals },
    { key: "form", label: "Form", kind: "select", options: () => FORMS, value: "refined" },
    { key: "qty", label: "Lots", kind: "number", value: 1, min: 1 },
    { key: "limit", label: label === "sell" ? "Lowest price" : "Highest price", kind: "number", value: 0 }] });
  const sell = marketLine("sell", "sell-lines");
  const buy = marketLine("buy", "buy-lines");
  const sellAuto = h("input", { type: "checkbox", checked: true });
  const buyAuto = h("input", { type: "checkbox", checked: true });
  const stockpile = createLines({ addLabel: "Add stockpile move", testid: "stockpile-lines", columns: [
    { key: "mineral", label: "Mineral", kind: "select", options: minerals },
    { key: "buy", label: "Into stockpile", kind: "number", value: 0 },
    { key: "release", label: "Release", kind: "number", value: 0 }] });
  const invest = createLines({ addLabel: "Add investment", testid: "invest-lines", columns: [
    { key: "mineral", label: "Mineral", kind: "select", options: minerals },
    { key: "kind", label: "Capacity", kind: "select", options: () => [{ value: "mine", label: "mine" }, { value: "refine", label: "refining" }] },
    { key: "capacity", label: "+ lots/round", kind: "number", value: 1, min: 1 }] });
  const investCost = h("p", { class: "muted small" });
  const controls = createLines({ addLabel: "Add export control", testid: "control-lines", columns: [
    { key: "mineral", label: "Mineral", kind: "select", options: minerals },
    { key: "form", label: "Form", kind: "select", options: () => FORMS },
    { key: "target", label: "Against", kind: "select", options: targets }] });
  const controlsKeep = h("input", { type: "checkbox", checked: true });
  const tariffs = createLines({ addLabel: "Add tariff", testid: "tariff-lines", columns: [
    { key: "mineral", label: "Mineral", kind: "select", options: minerals },
    { key: "target", label: "On imports from", kind: "select", options: targets },
    { key: "rate", label: "Rate %", kind: "number", value: 10, max: 100 }] });
  const tariffsKeep = h("input", { type: "checkbox", checked: true });
  const standard = select({ "data-testid": "orders-standard" }, []);
  const submit = h("button", { type: "submit", class: "btn btn-primary", text: "Submit orders", "data-testid": "submit-orders" });
  const defaults = h("button", { type: "button", class: "btn", text: "Use defaults for everything", "data-testid": "submit-defaults",
    on: { click: () => send({}, "Default orders submitted.") } });

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

  const group = (title, ...children) => h("fieldset", { class: "orders-group" }, h("legend", { text: title }), children);
  const form = h("form", { class: "orders-form", novalidate: true, "data-testid": "orders-form",
    on: { submit: (e) => { e.preventDefault(); send(collect(), "Orders submitted."); } } },
  status,
  group("Production: ore to refine", h("p", { class: "muted small", text: "Leave blank to refine as much as capacity and ore allow." }), refineBox),
  group("Spot market",
    h("label", { class: "check" }, sellAuto, " Sell automatically (surplus at market)"), sell.el,
    h("label", { class: "check" }, buyAuto, " Buy automatically (shortfall at market)"), buy.el),
  group("Strategic stockpile", stockpile.el),
  group("Domestic investment", invest.el, investCost),
  group("Export controls", h("label", { class: "check" }, controlsKeep, " Keep the controls in force"), controls.el),
  group("Tariffs", h("label", { class: "check" }, tariffsKeep, " Keep the tariffs in force"), tariffs.el),
  group("Environmental standard", field("Standard", standard)),
  h("div", { class: "btn-row" }, submit, defaults));

  const closed = h("p", { class: "muted", "data-testid": "orders-closed", text: "Orders open when negotiation ends." });
  const el = h("section", { class: "panel", id: "orders", "aria-labelledby": "orders-h", "data-testid": "orders" },
    h("h2", { id: "orders-h", text: "Sealed orders" }), closed, form);

  function showCost() {
    const v = view();
    if (!v) return;
    let cost = 0;
    for (const line of invest.values()) {
      const m = v.minerals.find((x) => x.id === line.mineral);
      if (m) cost += line.capacity * (line.kind === "mine" ? m.capex_mine : m.capex_refine);
    }
    investCost.textContent = cost ? `Cost now: ${money(cost)} (treasury ${money(v.me.treasury)}).` : "";
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
      const input = refineInputs[m.id] || num({ min: 0, placeholder: "max", "data-mineral": m.id });
      refineInputs[m.id] = input;
      return field(mineralName(v, m.id), input, `capacity ${int(cap)}, ore held ${int(ore)}`);
    }));
  }

  function update(store) {
    const v = store.view;
    if (!v || !v.me) return;
    const open = store.can("submit_orders");
    form.hidden = !open;
    closed.hidden = open;
    closed.textContent = v.phase === "ended" ? "The game is over." : "Orders open when negotiation ends.";
    if (!changed(el, [v.me.orders, v.me.holdings, v.seats[app.seat()], v.phase, v.round, v.forge.min_standard, open])) return;
    buildRefine(v);
    const pub = v.seats[app.seat()];
    const min = pub.forge_member ? v.forge.min_standard : 0;
    const opts = [{ value: "keep", label: `keep (now ${pub.env_standard})` },
      ...[0, 1, 2, 3].map((n) => ({ value: String(n), label: n < min ? `${n} (below FORGE minimum)` : String(n) }))];
    const was = standard.value || "keep";
    fill(standard, opts.map((o) => h("option", { value: o.value, text: o.label })));
    standard.value = opts.some((o) => o.value === was) ? was : "keep";
    for (const ed of [sell, buy, stockpile, invest, controls, tariffs]) ed.refresh();
    const mine = v.me.orders;
    fill(status, mine
      ? [h("p", { class: "ok-line", text: "✓ Orders submitted. You may change them until the phase ends." }),
        h("ul", { class: "plain small" }, ordersSummary(v, mine).map((t) => h("li", { text: t })))]
      : h("p", { class: "warn-line", text: "Not submitted yet: if you submit nothing, the defaults apply." }));
    showCost();
  }

  return { el, update };
}
