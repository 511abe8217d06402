// The deal builder: a partner, a duration, and up to eight typed clauses of the seven
// kinds. Parties are chosen as "me" / "my partner" so a clause always binds exactly the
// two parties; they are resolved to seat ids only when the proposal is sent. The engine
// checks everything (a refusal comes back as a toast with its code), so the form does
// not block numbers it thinks are wrong.
import { h, fill, select, setOptions, field, num } from "../dom.js";
import { CLAUSE_KINDS, CLAUSE_LABELS, seatName, mineralOptions, seatOptions, otherSeats, dealTitle, priceInfo, priceHint } from "../format.js";
import { _, fmt, tip } from "../i18n.js";
import { priceTable } from "../render/prices.js";
import { changed } from "../dom.js";

const MAX_CLAUSES = 8;

function roleSelect(label, value, names, tipKey) {
  return field(label, select({ "data-field": "role" }, [
    { value: "me", label: names.me }, { value: "them", label: names.them }], value), null, tipKey ? tip(tipKey) : null);
}

/** The default price of a supply clause: the last market price, else the reference. */
function defaultPrice(view, mineral, form) {
  const p = priceInfo(view, mineral, form);
  return p.last ?? p.ref ?? 0;
}

/** Default values of a new clause of `kind` (roles, not seat ids). */
function blank(kind, view) {
  const m = view.minerals[0] || { id: "", ref_ore: 1 };
  switch (kind) {
    case "supply": return { kind, role: "them", mineral: m.id, form: "refined", qty: 1, price: defaultPrice(view, m.id, "refined") };
    case "invest": return { kind, role: "me", mineral: m.id, amount: m.capex_mine || 10, ikind: "mine",
      capacity: 1, delay: Math.max(1, m.invest_delay || 1), offtake: 0, offtake_price: 0 };
    case "payment": return { kind, role: "me", amount: 10 };
    case "tariff_waiver": return { kind, role: "me" };
    case "standards": return { kind, level: 1 };
    case "exclusivity": return { kind, role: "them", mineral: m.id, excluded: "" };
    case "license": return { kind, role: "them", mineral: m.id, qty: 1 };
    default: return { kind };
  }
}

/** A clause from the server, as roles relative to `me`. */
export function clauseToRoles(c, me) {
  const r = (seat) => (seat === me ? "me" : "them");
  switch (c.type) {
    case "supply": return { kind: c.type, role: r(c.seller), mineral: c.mineral, form: c.form, qty: c.qty, price: c.price, priceTouched: true };
    case "invest": return { kind: c.type, role: r(c.investor), mineral: c.mineral, amount: c.amount, ikind: c.kind,
      capacity: c.capacity, delay: c.delay, offtake: c.offtake_bp / 100, offtake_price: c.offtake_price, priceTouched: true };
    case "payment": return { kind: c.type, role: r(c.payer), amount: c.amount };
    case "tariff_waiver": return { kind: c.type, role: r(c.waiver) };
    case "standards": return { kind: c.type, level: c.level };
    case "exclusivity": return { kind: c.type, role: r(c.seller), mineral: c.mineral, excluded: c.excluded };
    case "license": return { kind: c.type, role: r(c.licensor), mineral: c.mineral, qty: c.qty };
    default: return { kind: c.type };
  }
}

function toInt(value) {
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : NaN;
}

/** The wire clause for a row of values. */
export function rolesToClause(v, me, them) {
  const who = (role) => (role === "me" ? me : them);
  const other = (role) => (role === "me" ? them : me);
  switch (v.kind) {
    case "supply": return { type: "supply", seller: who(v.role), buyer: other(v.role), mineral: v.mineral,
      form: v.form, qty: toInt(v.qty), price: toInt(v.price) };
    case "invest": return { type: "invest", investor: who(v.role), host: other(v.role), amount: toInt(v.amount),
      mineral: v.mineral, kind: v.ikind, capacity: toInt(v.capacity), delay: toInt(v.delay),
      offtake_bp: Math.round(Number(v.offtake || 0) * 100), offtake_price: toInt(v.offtake_price || 0) };
    case "payment": return { type: "payment", payer: who(v.role), payee: other(v.role), amount: toInt(v.amount) };
    case "tariff_waiver": return { type: "tariff_waiver", waiver: who(v.role), beneficiary: other(v.role) };
    case "standards": return { type: "standards", level: toInt(v.level) };
    case "exclusivity": return { type: "exclusivity", seller: who(v.role), mineral: v.mineral, excluded: v.excluded };
    case "license": return { type: "license", licensor: who(v.role), licensee: other(v.role), mineral: v.mineral, qty: toInt(v.qty) };
    default: return { type: v.kind };
  }
}

export function createDealBuilder(app) {
  let mode = { kind: "new" }; // or {kind: "counter", deal}
  const rows = []; // {values, el, refresh()}
  const partner = select({ name: "partner", "data-testid": "deal-partner" }, []);
  const rounds = num({ name: "rounds", value: 1, min: 1, "data-testid": "deal-rounds" });
  const note = h("input", { type: "text", name: "note", maxlength: "500", placeholder: _("optional: what this is for") });
  const list = h("ol", { class: "clauses", "data-testid": "clauses" });
  const kind = select({ "aria-label": _("Kind of clause"), "data-testid": "clause-kind" },
    CLAUSE_KINDS.map((k) => ({ value: k, label: CLAUSE_LABELS[k] })));
  const addBtn = h("button", { type: "button", class: "btn", text: _("Add clause"), "data-testid": "add-clause",
    on: { click: () => addClause(blank(kind.value, app.store.view)) } });
  const title = h("h3", { text: _("New deal") });
  const pricesBox = h("details", { class: "prices-box", open: true });
  const modeNote = h("p", { class: "muted small" });
  const cancelCounter = h("button", { type: "button", class: "btn btn-quiet", text: _("Cancel counter"), hidden: true,
    on: { click: () => reset() } });
  const submit = h("button", { type: "submit", class: "btn btn-primary", text: _("Propose deal"), "data-testid": "propose" });
  const closed = h("p", { class: "muted", text: _("Deals are proposed during negotiation.") });
  const form = h("form", { class: "deal-builder", novalidate: true, "data-testid": "deal-builder",
    on: { submit: (e) => { e.preventDefault(); send(); } } },
    title, modeNote,
    h("div", { class: "row" }, field(_("Partner"), partner), field(_("Rounds"), rounds, _("how many rounds it runs")),
      field(_("Note"), note)),
    pricesBox,
    list,
    h("div", { class: "row add-row" }, kind, addBtn),
    h("div", { class: "btn-row" }, submit, cancelCounter));
  const el = h("div", { class: "builder-wrap" }, closed, form);

  function names() {
    const v = app.store.view;
    const me = app.seat();
    const them = mode.kind === "counter" ? otherParty(mode.deal) : partner.value;
    return { me: fmt(_("%(country)s (me)"), { country: seatName(v, me) }), them: them ? seatName(v, them) : _("partner") };
  }

  function otherParty(deal) {
    const me = app.seat();
    return deal.parties.find((p) => p !== me);
  }

  function addClause(values) {
    if (rows.length >= MAX_CLAUSES) {
      app.toast(fmt(_("A deal has at most %(n)s clauses."), { n: MAX_CLAUSES }));
      return;
    }
    const row = makeRow(values);
    rows.push(row);
    list.appendChild(row.el);
    renumber();
  }

  function renumber() {
    rows.forEach((r, i) => { r.label.textContent = `${i + 1}. ${CLAUSE_LABELS[r.values.kind]}`; });
  }

  function makeRow(values) {
    const label = h("strong", {});
    const body = h("div", { class: "clause-fields" });
    const remove = h("button", { type: "button", class: "btn btn-quiet", text: _("Remove"),
      on: { click: () => {
        const i = rows.indexOf(row);
        if (i >= 0) rows.splice(i, 1);
        row.el.remove();
        renumber();
      } } });
    const li = h("li", { class: "clause-row", "data-kind": values.kind }, h("div", { class: "clause-head" }, label, remove), body);
    const row = { values, el: li, label, refresh: null };

    const bind = (input, key, conv = (x) => x) => {
      input.addEventListener("input", () => { values[key] = conv(input.value); });
      input.addEventListener("change", () => { values[key] = conv(input.value); });
      return input;
    };
    function draw() {
      const nm = names();
      const view = app.store.view;
      const minerals = mineralOptions(view);
      const parts = [];
      const role = (label, tipKey) => {
        const f = roleSelect(label, values.role, nm, tipKey);
        bind(f.querySelector("select"), "role");
        return f;
      };
      const number = (label, key, attrs = {}, hint = null, tipKey = null) => {
        const f = field(label, bind(num({ value: values[key], "data-field": key, ...attrs }), key), hint, tipKey ? tip(tipKey) : null);
        return f;
      };
      // The price follows the mineral and form chosen until the person types one.
      const hint = h("small", { class: "hint ref-hint", "data-testid": "price-hint" });
      let priceInput = null;
      const keyChanged = () => {
        if (values.kind === "supply" && !values.priceTouched && priceInput) {
          values.price = defaultPrice(app.store.view, values.mineral, values.form);
          priceInput.value = String(values.price);
        }
        hint.textContent = priceHint(app.store.view, values.mineral, values.form || "refined");
      };
      const mineral = () => {
        const sel = bind(select({ "data-field": "mineral" }, minerals, values.mineral), "mineral");
        sel.addEventListener("change", keyChanged);
        return field(_("Mineral"), sel);
      };
      switch (values.kind) {
        case "supply": {
          const formSel = bind(select({ "data-field": "form" }, [{ value: "refined", label: _("refined") }, { value: "ore", label: _("ore") }], values.form), "form");
          formSel.addEventListener("change", keyChanged);
          const price = number(_("Price ($ million per lot)"), "price", { min: 0 }, null, "reference_price");
          priceInput = price.querySelector("input");
          priceInput.addEventListener("input", () => { values.priceTouched = true; });
          price.appendChild(hint);
          parts.push(role(_("Seller")), mineral(), field(_("Form"), formSel, null, tip("refined")),
            number(_("Lots per round"), "qty", { min: 1 }, null, "lot"), price);
          keyChanged();
          break;
        }
        case "invest":
          parts.push(role(_("Investor"), "invest"), number(_("Amount ($ million)"), "amount", { min: 1 }), mineral(),
            field(_("Build"), bind(select({ "data-field": "ikind" }, [{ value: "mine", label: _("a mine") }, { value: "refine", label: _("a refinery") }], values.ikind), "ikind")),
            number(_("Extra lots per round"), "capacity", { min: 1 }, null, "capacity"), number(_("Ready after (rounds)"), "delay", { min: 1, max: 4 }),
            number(_("Investor may buy (% of output)"), "offtake", { min: 0, max: 100 }, null, "offtake"),
            number(_("at a price of ($ million per lot)"), "offtake_price", { min: 0 }));
          break;
        case "payment":
          parts.push(role(_("Who pays")), number(_("Amount ($ million)"), "amount", { min: 1 }));
          break;
        case "tariff_waiver":
          parts.push(role(_("Who promises no import tax"), "tariff_waiver"));
          break;
        case "standards":
          parts.push(field(_("Lowest environmental standard (0–3)"), bind(select({ "data-field": "level" }, ["0", "1", "2", "3"], String(values.level)), "level"), null, tip("standards")));
          break;
        case "exclusivity": {
          const me = app.seat();
          const them = mode.kind === "counter" ? otherParty(mode.deal) : partner.value;
          const thirds = Object.keys(view.seats).filter((x) => x !== me && x !== them);
          if (!thirds.includes(values.excluded)) values.excluded = thirds[0] || "";
          parts.push(role(_("Seller"), "exclusivity"), mineral(),
            field(_("Will not sell to"), bind(select({ "data-field": "excluded" }, seatOptions(view, thirds), values.excluded), "excluded")));
          break;
        }
        case "license":
          parts.push(role(_("Country with the export ban"), "license"), mineral(),
            number(_("Lots per round it lets through"), "qty", { min: 1 }));
          break;
        default:
          break;
      }
      fill(body, parts);
    }
    row.refresh = draw;
    draw();
    return row;
  }

  function refreshRows() {
    for (const r of rows) r.refresh();
  }

  function reset() {
    mode = { kind: "new" };
    rows.splice(0).forEach((r) => r.el.remove());
    note.value = "";
    rounds.value = 1;
    partner.disabled = false;
    title.textContent = _("New deal");
    modeNote.textContent = _("Choose a partner, add clauses, and propose. Terms stay private to the two of you until signed.");
    submit.textContent = _("Propose deal");
    cancelCounter.hidden = true;
    update(app.store, true);
  }

  /** Open the builder as a counter to `deal`, pre-filled with its terms. */
  function counter(deal) {
    mode = { kind: "counter", deal };
    rows.splice(0).forEach((r) => r.el.remove());
    const me = app.seat();
    const them = otherParty(deal);
    setOptions(partner, seatOptions(app.store.view, [them]), them);
    partner.disabled = true;
    rounds.value = deal.rounds;
    note.value = deal.note || "";
    title.textContent = _("Counter-offer");
    modeNote.textContent = fmt(_("Your counter-offer replaces the offer %(deal)s; %(them)s may then accept it."), { deal: dealTitle(app.store.view, deal), them: seatName(app.store.view, them) });
    submit.textContent = _("Send counter-offer");
    cancelCounter.hidden = false;
    deal.clauses.forEach((c) => addClause(clauseToRoles(c, me)));
    form.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function send() {
    const me = app.seat();
    const them = mode.kind === "counter" ? otherParty(mode.deal) : partner.value;
    if (!them) {
      app.toast(_("Choose a partner first."));
      return;
    }
    if (!rows.length) {
      app.toast(_("Add at least one clause."));
      return;
    }
    const clauses = rows.map((r) => rolesToClause(r.values, me, them));
    const action = mode.kind === "counter"
      ? { type: "counter_deal", deal: mode.deal.id, clauses, rounds: toInt(rounds.value), note: note.value }
      : { type: "propose_deal", to: them, clauses, rounds: toInt(rounds.value), note: note.value };
    submit.disabled = true;
    const ack = await app.act(action);
    submit.disabled = false;
    if (ack) {
      app.toast(mode.kind === "counter" ? _("Counter-offer sent.") : _("Deal proposed."));
      reset();
    }
  }

  partner.addEventListener("change", refreshRows);

  function update(store, force = false) {
    const v = store.view;
    if (!v || !v.me) return;
    const me = app.seat();
    const allowed = mode.kind === "counter" ? store.can("counter_deal") : store.can("propose_deal");
    form.hidden = !allowed;
    closed.hidden = allowed;
    if (mode.kind === "counter") {
      const still = (v.proposals || []).find((d) => d.id === mode.deal.id && d.status === "proposed" && d.recipient === me);
      if (!still) { reset(); return; }
    } else {
      const before = partner.value;
      setOptions(partner, seatOptions(v, otherSeats(v, me)));
      if (force || before !== partner.value) refreshRows();
    }
    if (changed(pricesBox, [v.prices, v.minerals.length])) {
      fill(pricesBox, h("summary", { text: _("Prices to start from") }), priceTable(v, { testid: "deal-prices" }));
    }
    const left = Math.max(1, v.rounds - Math.max(v.round, 1) + 1);
    rounds.max = String(left);
  }

  reset();
  return { el, update, counter, reset };
}
