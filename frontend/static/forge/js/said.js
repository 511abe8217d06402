// What the engine says to a person, in the page's language. The engine never writes for a
// language: a refusal is a stable code with params, and a computer player's note or the
// advisor's reason is a key with params (docs/protocol.md, "In the reader's language").
// This module holds the sentence for each code and key; the English the server sends stays
// for agents and logs (the page keeps it in a tooltip).
import { _, fmt } from "./i18n.js";
import { formName, mineralName, money, seatName, PHASES, STATUS_LABELS } from "./format.js";

// A refusal whose params are there: the sentence for the first entry whose params are all
// present (a code with no usable params falls back to its general sentence in toast.js).
const REFUSALS = {
  deal_not_open: [[["status"], _("That offer is no longer open: it is %(status)s.")]],
  deal_not_active: [[["status"], _("That deal is not running: it is %(status)s.")]],
  insufficient_funds: [
    [["seat", "need", "treasury"], _("%(seat)s cannot pay the one-off payments of %(need)s: the treasury has %(treasury)s.")],
    [["need", "treasury"], _("That costs %(need)s and the treasury has %(treasury)s.")],
  ],
  too_many_proposals: [[["max"], _("You already have %(max)s open offers: withdraw one first.")]],
  wrong_phase: [[["phase"], _("Not now: that is done in the %(phase)s phase.")]],
  standard_too_low: [[["min"], _("FORGE members keep an environmental standard of at least %(min)s.")]],
  unknown_mineral: [[["clause"], _("Part %(clause)s of the deal names a mineral this game does not have.")]],
  bad_clause: [
    [["field=rounds", "max"], _("A deal lasts from 1 to %(max)s rounds (the rounds left in the game).")],
    [["field=clauses", "max"], _("A deal has from 1 to %(max)s parts.")],
    [["field=note", "max"], _("The note is too long (at most %(max)s characters) or has a character that cannot be sent.")],
    [["field=parties", "clause"], _("Part %(clause)s of the deal must be between the two of you, one each.")],
    [["field=excluded", "clause"], _("Part %(clause)s of the deal must name a third country as the rival.")],
    [["clause", "kind"], _("Part %(clause)s of the deal (%(kind)s) has a number out of range: check it.")],
  ],
};

// Words for the params a sentence shows: countries and minerals by name, ids never.
function words(view, params) {
  const out = { ...params };
  for (const k of ["seat", "host", "investor"]) if (k in out) out[k] = seatName(view, out[k]);
  if ("seats" in out) out.seats = String(out.seats).split(/,\s*/).map((s) => seatName(view, s)).join(", ");
  if ("mineral" in out) out.mineral = mineralName(view, out.mineral);
  if ("form" in out) out.form = formName(out.form);
  if ("status" in out) out.status = STATUS_LABELS[out.status] || out.status;
  if ("phase" in out) out.phase = PHASES[out.phase] || out.phase;
  if ("kind" in out) out.kind = KINDS[out.kind] || out.kind;
  if ("percent" in out) out.percent = `${out.percent}%`;
  for (const k of ["price", "spot", "limit", "need", "treasury"]) if (k in out) out[k] = money(out[k]);
  return out;
}

const KINDS = {
  supply: _("supply"),
  invest: _("investment"),
  payment: _("payment"),
  tariff_waiver: _("no import tax"),
  standards: _("environmental standard"),
  exclusivity: _("don't sell to a rival"),
  license: _("export permit"),
};

function fits(need, params) {
  return need.every((n) => {
    const [k, v] = n.split("=");
    return k in params && (v === undefined || String(params[k]) === v);
  });
}

/** The refusal in the page's language from its code and params, or null if it has none. */
export function refusalText(view, code, params) {
  if (!params) return null;
  for (const [need, text] of REFUSALS[code] || []) {
    if (fits(need, params)) return fmt(text, words(view, params));
  }
  return null;
}

// The computer players' sentences (game.bots: deal notes and the advisor).
const SAID = {
  "deal.buy": _("buy %(qty)s lots a round of %(mineral)s (%(form)s) at %(price)s a lot (the market is about %(spot)s)"),
  "deal.sell": _("sell %(qty)s lots a round of %(mineral)s (%(form)s) at %(price)s a lot (the market is about %(spot)s)"),
  "deal.fund_refining": _("pay for %(qty)s lots of %(mineral)s refining in %(host)s, for half of what it makes"),
  "deal.fund_mining": _("pay for %(qty)s lots of %(mineral)s mining in %(host)s, for half of the ore"),
  "deal.ask_fund_mine": _("ask %(investor)s to pay for %(qty)s lots of %(mineral)s mining here"),
  "deal.ask_fund_refine": _("ask %(investor)s to pay for %(qty)s lots of %(mineral)s refining here"),
  "deal.objective": _("a %(mineral)s deal that one of my objectives asks for"),
  counter: _("a counter-offer"),
  "offer.accept": _("Accept: by our estimate it is worth %(points)s points to you."),
  "offer.reject": _("Reject or counter: by our estimate it is worth %(points)s points to you."),
  "offer.unaffordable": _("Counter: you would like it, but the one-off payments are more than the treasury can cover now."),
  "orders.sell_refined": _("sell %(qty)s refined %(mineral)s you will not use or owe (for at least %(limit)s a lot)"),
  "orders.sell_ore": _("sell %(qty)s %(mineral)s ore your refineries cannot use"),
  "orders.buy_ore": _("buy %(qty)s %(mineral)s ore so your refineries do not stand idle next round"),
  "orders.buy_refined": _("buy %(qty)s refined %(mineral)s your industry needs (for up to %(limit)s a lot)"),
  "orders.release": _("release %(qty)s %(mineral)s from your stockpile to keep industry running"),
  "orders.stockpile": _("put %(qty)s spare refined %(mineral)s into the stockpile, paid by its budget"),
  "orders.standard": _("raise your environmental standard to %(level)s"),
  "orders.build_objective": _("build %(qty)s lots of %(mineral)s refining at home for your objective"),
  "orders.build_pays": _("build %(qty)s lots of %(mineral)s refining at home: refining your spare ore pays back its cost before the game ends"),
  "orders.control": _("control refined %(mineral)s exports to %(seats)s"),
  "orders.tariff": _("an import tax of %(percent)s on %(mineral)s from %(seats)s"),
};

/** A computer player's sentence ({key, params}) in the page's language; null if unknown. */
export function saidText(view, said) {
  if (!said || !SAID[said.key]) return null;
  return fmt(SAID[said.key], words(view, said.params || {}));
}

// Notes the engine itself writes on a seat's behalf (an event card's licence request): no
// person wrote them, so they are said in the page's language like the bots' notes.
const ENGINE_NOTES = {
  "License request (event response)": _("Export permit requested (an answer to an event)"),
};

/** An engine-written note in the page's language, or null for a person's own words. */
export function engineNote(note) {
  return ENGINE_NOTES[note] || null;
}

/** The {key, params} of a computer player's note (its "said: {...}" line), or null. */
export function noteSaid(note) {
  const m = /^said: (\{.*\})$/m.exec(note || "");
  if (!m) return null;
  try {
    const said = JSON.parse(m[1]);
    return said && typeof said.key === "string" ? said : null;
  } catch {
    return null;
  }
}

export const SAID_KEYS = Object.keys(SAID);
