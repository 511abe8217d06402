// Words and numbers for people: seat and mineral names, money, shares, clause sentences.
// Every word through _() (the page's language); no internal ids shown to players.
import { _, fmt, ngettext, sc, promptCardId } from "./i18n.js";

export const PHASES = {
  lobby: _("Waiting to start"),
  negotiation: _("Negotiation"),
  orders: _("Orders"),
  ended: _("Game over"),
};

export const CLAUSE_KINDS = ["supply", "invest", "payment", "tariff_waiver", "standards",
  "exclusivity", "license"];

export const CLAUSE_LABELS = {
  supply: _("Supply (sell lots every round)"),
  invest: _("Investment (build a mine or refinery)"),
  payment: _("Payment (once)"),
  tariff_waiver: _("No import tax"),
  standards: _("Environmental standard"),
  exclusivity: _("Don't sell to a rival"),
  license: _("Export permit"),
};

const LOCALE = (document.documentElement.lang || "en").startsWith("es") ? "es-ES" : "en-GB";

export function seatName(view, id) {
  if (!id) return "";
  if (id === "ALL") return _("everyone");
  if (id === "ROW") return _("rest of the world");
  const english = (view && view.seats && view.seats[id] && view.seats[id].name) || id;
  return sc(`countries.${id}.name`, english);
}

export function mineralName(view, id) {
  const m = view && view.minerals && view.minerals.find((x) => x.id === id);
  if (!m) return String(id || "").replace(/_/g, " ");
  // "Lithium (carbonate equivalent)" -> "Lithium": short names in tables
  return sc(`minerals.${id}.name`, m.name).replace(/\s*\(.*\)\s*$/, "");
}

export function formName(form) {
  return form === "ore" ? _("ore") : form === "refined" ? _("refined") : form;
}

/** "lithium:refined" -> "Lithium refined" */
export function keyName(view, key) {
  const [m, f] = String(key).split(":");
  return f ? `${mineralName(view, m)} ${formName(f)}` : mineralName(view, m);
}

export function money(n) {
  if (n === null || n === undefined) return "—";
  return `$${Number(n).toLocaleString(LOCALE)}M`;
}

export function int(n) {
  if (n === null || n === undefined) return "—";
  return Number(n).toLocaleString(LOCALE);
}

/** A par factor (per mille) as people say it: 1202 -> "×1.2", 549 -> "×0.55" (two
 * significant figures: a tenth matters below 1, hardly above). */
export function factor(perMille) {
  if (perMille === null || perMille === undefined) return "—";
  const x = perMille / 1000;
  const digits = x < 1 ? { minimumFractionDigits: 1, maximumFractionDigits: 2 } : { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  return `×${x.toLocaleString(LOCALE, digits)}`;
}

export function bp(n) {
  if (n === null || n === undefined) return "—";
  return `${(n / 100).toLocaleString(LOCALE, { maximumFractionDigits: 1 })}%`;
}

export function clockText(ms) {
  if (ms === null || ms === undefined) return "--:--";
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  const r = s % 60;
  return `${m}:${String(r).padStart(2, "0")}`;
}

export function roundText(view) {
  if (!view) return "";
  if (!view.round) return fmt(_("%(n)s rounds"), { n: view.rounds });
  const label = view.round_label ? ` · ${sc(`round_labels.${view.round}`, view.round_label)}` : "";
  return fmt(_("Round %(n)s of %(m)s"), { n: view.round, m: view.rounds }) + label;
}

const s = (view, id) => seatName(view, id);
const lots = (n) => fmt(ngettext("%(n)s lot", "%(n)s lots", n), { n });
const rounds = (n) => fmt(ngettext("%(n)s round", "%(n)s rounds", n), { n });

/** One clause as a sentence. */
export function clauseText(view, c) {
  const m = (id) => mineralName(view, id);
  switch (c.type) {
    case "supply":
      return fmt(_("%(seller)s sells %(lots)s/round of %(form)s %(mineral)s to %(buyer)s at %(price)s/lot"),
        { seller: s(view, c.seller), lots: lots(c.qty), form: formName(c.form), mineral: m(c.mineral), buyer: s(view, c.buyer), price: money(c.price) });
    case "invest": {
      let t = fmt(_("%(investor)s invests %(amount)s in %(host)s: +%(capacity)s lots/round of %(kind)s for %(mineral)s, ready after %(rounds)s"),
        { investor: s(view, c.investor), amount: money(c.amount), host: s(view, c.host), capacity: c.capacity,
          kind: c.kind === "mine" ? _("mining") : _("refining"), mineral: m(c.mineral), rounds: rounds(c.delay) });
      if (c.offtake_bp) t += fmt(_("; the investor may buy %(share)s of the new output at %(price)s/lot"), { share: bp(c.offtake_bp), price: money(c.offtake_price) });
      return t;
    }
    case "payment":
      return fmt(_("%(payer)s pays %(payee)s %(amount)s once"), { payer: s(view, c.payer), payee: s(view, c.payee), amount: money(c.amount) });
    case "tariff_waiver":
      return fmt(_("%(waiver)s puts no import tax on %(beneficiary)s"), { waiver: s(view, c.waiver), beneficiary: s(view, c.beneficiary) });
    case "standards":
      return fmt(_("Both keep an environmental standard of at least %(level)s"), { level: c.level });
    case "exclusivity":
      return fmt(_("%(seller)s will not sell %(mineral)s to %(excluded)s"), { seller: s(view, c.seller), mineral: m(c.mineral), excluded: s(view, c.excluded) });
    case "license":
      return fmt(_("%(licensor)s lets %(licensee)s buy %(qty)s lots a round of its %(mineral)s despite its export ban"), { licensor: s(view, c.licensor), licensee: s(view, c.licensee), qty: c.qty, mineral: m(c.mineral) });
    default:
      return _("Another clause");
  }
}

export function dealTitle(view, d) {
  const [a, b] = d.parties;
  if (d.framework) return `${s(view, a)} ↔ ${s(view, b)} · ${sc(`frameworks.${d.id}.title`, d.framework.title)}`;
  return `${s(view, a)} ↔ ${s(view, b)} · ${rounds(d.rounds)}`;
}

// A framework on the board: what it says, its minerals, and how it becomes binding.
export function frameworkText(view, d) {
  const f = d.framework;
  const minerals = f.minerals.map((m) => mineralName(view, m)).join(", ");
  return [sc(`frameworks.${d.id}.text`, f.text),
    fmt(_("Minerals: %(minerals)s. A signed supply or investment deal between the two on one of them makes it binding: +%(n)s reputation each."), { minerals, n: f.bonus })];
}

export const STATUS_LABELS = {
  proposed: _("proposed"),
  active: _("active"),
  completed: _("completed"),
  breached: _("broken"),
  cancelled: _("cancelled"),
  rejected: _("rejected"),
  withdrawn: _("withdrawn"),
  framework: _("framework (not binding)"),
  upgraded: _("framework made binding"),
};

export function otherSeats(view, me) {
  return Object.keys((view && view.seats) || {}).filter((x) => x !== me);
}

export function seatOptions(view, ids) {
  return ids.map((id) => ({ value: id, label: seatName(view, id) }));
}

export function mineralOptions(view) {
  return ((view && view.minerals) || []).map((x) => ({ value: x.id, label: mineralName(view, x.id) }));
}

/** The reference price of a mineral's form, and the last market price (null: no trade yet). */
export function priceInfo(view, mineral, form) {
  const m = view && view.minerals && view.minerals.find((x) => x.id === mineral);
  const ref = m ? (form === "ore" ? m.ref_ore : m.ref_refined) : null;
  const path = (view && view.prices && view.prices[`${mineral}:${form}`]) || [];
  // 0 (or null) in the history is "no trade that round", never a price: `last` is the last
  // traded price and `noTrade` says the latest round traded nothing
  let last = null;
  for (let i = path.length - 1; i >= 0; i -= 1) if (path[i]) { last = path[i]; break; }
  return { ref, last, traded: path.length > 0, noTrade: path.length > 0 && !path[path.length - 1] };
}

/** "Reference $7M/lot · last $9M" (or "no trade yet"). */
export function priceHint(view, mineral, form) {
  const p = priceInfo(view, mineral, form);
  const ref = p.ref === null ? "" : fmt(_("reference %(price)s/lot"), { price: money(p.ref) });
  const last = p.last === null ? _("no trade yet")
    : p.noTrade ? fmt(_("no trade last round; last traded %(price)s"), { price: money(p.last) })
      : fmt(_("last %(price)s"), { price: money(p.last) });
  return [ref, last].filter(Boolean).join(" · ");
}

/** A FORGE motion in words (the engine's text has ids: "admit AUS", "rare_earths refined"). */
export function motionText(view, m) {
  switch (m.kind) {
    case "admit":
      return fmt(_("let %(seat)s join FORGE"), { seat: s(view, m.seat) });
    case "floor":
      return m.price === 0
        ? fmt(_("remove the floor price on %(what)s"), { what: keyName(view, `${m.mineral}:${m.form}`) })
        : fmt(_("a floor price of %(price)s/lot on %(what)s"), { price: money(m.price), what: keyName(view, `${m.mineral}:${m.form}`) });
    case "standard":
      return fmt(_("a minimum environmental standard of %(level)s"), { level: m.level });
    case "chair":
      return fmt(_("elect %(seat)s as chair"), { seat: s(view, m.seat) });
    default:
      return replaceSeats(view, m.text || "");
  }
}

export const MOTION_STATUS = {
  open: _("open"),
  adopted: _("adopted"),
  rejected: _("rejected"),
  pending: _("waiting for the ruling"),
  upheld: _("upheld"),
  dismissed: _("dismissed"),
};

/** Seat codes in an engine text replaced by the countries' names ("USA" -> "United States"). */
export function replaceSeats(view, text) {
  const ids = Object.keys((view && view.seats) || {});
  if (!ids.length || !text) return text || "";
  const re = new RegExp(`\\b(${ids.map((x) => x.replace(/[^A-Za-z0-9_]/g, "")).join("|")})\\b`, "g");
  return String(text).replace(re, (id) => seatName(view, id));
}

const DEAL_ENDED = {
  completed: _("Deal completed: every delivery was made."),
  breached: _("Deal broken: a promise was not kept."),
  cancelled: _("Deal cancelled."),
};

/** An engine event in the page's language, with countries by name and no internal ids. */
export function eventText(view, e) {
  const d = e.data || {};
  const seat = (id) => s(view, id);
  switch (e.kind) {
    case "card": {
      const id = d.card;
      const title = id ? sc(`cards.${id}.title`, d.title || "") : d.title || "";
      const text = id ? sc(`cards.${id}.text`, "") : "";
      return text ? `${title}: ${text}` : (id ? title : replaceSeats(view, e.text));
    }
    case "prompt":
      return d.card ? sc(`cards.${d.card}.prompt`, e.text) : e.text;
    case "prompt_answered": {
      const english = replaceSeats(view, String(e.text).replace(/^[^:]*:\s*/, ""));
      const all = [...(((view && view.me) || {}).prompts || []),
        ...Object.values((view && view.private) || {}).flatMap((p) => p.prompts || [])];
      const cid = promptCardId(all.find((p) => p.id === d.prompt));
      return fmt(_("%(seat)s answered the event: %(answer)s"), { seat: seat((e.to || [])[0]) || _("A country"),
        answer: cid && d.option ? sc(`cards.${cid}.options.${d.option}`, english) : english });
    }
    case "round_started":
      return fmt(_("Round %(n)s of %(m)s begins"), { n: d.round, m: view ? view.rounds : "?" }) +
        (d.label ? `: ${sc(`round_labels.${d.round}`, d.label)}` : "");
    case "phase":
      return _("Negotiation is over: give your orders in secret.");
    case "round_resolved":
      return fmt(_("Round %(n)s is resolved: see the report."), { n: d.round });
    case "game_over":
      {
      // equal highest totals share the win: every tied seat is named
      const top = d.winners && d.winners.length ? d.winners : (d.ranking || []).slice(0, 1);
      return top.length ? fmt(_("Game over. Highest score: %(seat)s."), { seat: top.map(seat).join(", ") }) : _("Game over.");
    }
    case "ready":
      return fmt(d.ready ? _("%(seat)s is ready.") : _("%(seat)s is not ready any more."), { seat: seat(d.seat) });
    case "orders_submitted":
      return fmt(_("%(seat)s gave its orders."), { seat: seat(d.seat) });
    case "paused":
      return _("The facilitator paused the game.");
    case "resumed":
      return _("The game goes on.");
    case "rewound":
      return _("The facilitator went back to the start of this phase.");
    case "controller":
      return fmt(String(d.controller || "").startsWith("bot") ? _("%(seat)s is now played by the computer.") : _("%(seat)s is now played by people."), { seat: seat(d.seat) });
    case "deal_proposed":
    case "deal_countered":
    case "deal_rejected":
    case "deal_withdrawn":
    case "cancel_requested": {
      const [actor] = String(e.text).split(" ");
      const who = view && view.seats && actor in view.seats ? seat(actor) : _("Someone");
      const words = {
        deal_proposed: _("%(seat)s proposed a deal."),
        deal_countered: _("%(seat)s made a counter-offer."),
        deal_rejected: _("%(seat)s rejected a deal."),
        deal_withdrawn: _("%(seat)s withdrew an offer."),
        cancel_requested: _("%(seat)s asks to cancel a deal."),
      };
      return fmt(words[e.kind], { seat: who });
    }
    case "deal_signed":
      return d.parties && d.parties.length === 2
        ? fmt(_("%(a)s and %(b)s signed a deal."), { a: seat(d.parties[0]), b: seat(d.parties[1]) })
        : replaceSeats(view, e.text);
    case "deal_cancelled":
      return _("A deal was cancelled by both sides.");
    case "deal_ended":
      return DEAL_ENDED[d.status] || _("A deal ended.");
    case "breach":
      return fmt(_("%(seat)s broke a deal (did not deliver as promised)."), { seat: seat(d.seat) });
    case "motion_opened": {
      const m = view && view.forge && view.forge.motions.find((x) => x.id === d.motion);
      return m ? fmt(_("New FORGE vote: %(what)s."), { what: motionText(view, m) }) : _("New FORGE vote.");
    }
    case "motion_closed": {
      const m = view && view.forge && view.forge.motions.find((x) => x.id === d.motion);
      const what = m ? motionText(view, m) : "";
      return fmt(d.adopted ? _("FORGE adopted: %(what)s.") : _("FORGE rejected: %(what)s."), { what });
    }
    case "voted":
      return _("A FORGE member voted.");
    case "forge_left":
      return fmt(_("%(seat)s left FORGE."), { seat: seat(d.seat) });
    case "dispute_filed":
      return _("A trade complaint (WTO) was filed against FORGE.");
    case "dispute_resolved":
      return d.upheld ? _("The WTO agreed with the complaint against FORGE.") : _("The WTO rejected the complaint against FORGE.");
    default:
      return replaceSeats(view, e.text);
  }
}

export const EVENT_KINDS = {
  card: _("event"), prompt: _("question"), prompt_answered: _("answer"), round_started: _("round"),
  phase: _("phase"), round_resolved: _("results"), game_over: _("end"), ready: _("ready"),
  orders_submitted: _("orders"), paused: _("pause"), resumed: _("pause"), rewound: _("rewind"),
  controller: _("players"), deal_proposed: _("deal"), deal_countered: _("deal"), deal_rejected: _("deal"),
  deal_withdrawn: _("deal"), cancel_requested: _("deal"), deal_signed: _("deal"), deal_cancelled: _("deal"),
  deal_ended: _("deal"), breach: _("broken promise"), motion_opened: "FORGE", motion_closed: "FORGE",
  voted: "FORGE", forge_left: "FORGE", dispute_filed: _("WTO"), dispute_resolved: _("WTO"),
};
