// Words and numbers for people: seat and mineral names, money, shares, clause sentences.

export const PHASES = {
  lobby: "Waiting to start",
  negotiation: "Negotiation",
  orders: "Orders",
  ended: "Game over",
};

export const CLAUSE_KINDS = ["supply", "invest", "payment", "tariff_waiver", "standards",
  "exclusivity", "license"];

export const CLAUSE_LABELS = {
  supply: "Supply",
  invest: "Investment",
  payment: "Payment",
  tariff_waiver: "Tariff waiver",
  standards: "Standards",
  exclusivity: "Exclusivity",
  license: "Export licence",
};

export function seatName(view, id) {
  if (!id) return "";
  if (id === "ALL") return "everyone";
  if (id === "ROW") return "rest of world";
  return (view && view.seats && view.seats[id] && view.seats[id].name) || id;
}

export function mineralName(view, id) {
  const m = view && view.minerals && view.minerals.find((x) => x.id === id);
  if (!m) return String(id || "").replace(/_/g, " ");
  // "Lithium (carbonate equivalent)" -> "Lithium": short names in tables
  return m.name.replace(/\s*\(.*\)\s*$/, "");
}

/** "lithium:refined" -> "Lithium refined" */
export function keyName(view, key) {
  const [m, f] = String(key).split(":");
  return f ? `${mineralName(view, m)} ${f}` : mineralName(view, m);
}

export function money(n) {
  if (n === null || n === undefined) return "—";
  return `$${Number(n).toLocaleString("en-GB")}M`;
}

export function int(n) {
  if (n === null || n === undefined) return "—";
  return Number(n).toLocaleString("en-GB");
}

export function bp(n) {
  if (n === null || n === undefined) return "—";
  return `${(n / 100).toLocaleString("en-GB", { maximumFractionDigits: 1 })}%`;
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
  if (!view.round) return `${view.rounds} rounds`;
  const label = view.round_label ? ` · ${view.round_label}` : "";
  return `Round ${view.round} of ${view.rounds}${label}`;
}

const s = (view, id) => seatName(view, id);

/** One clause as a sentence. */
export function clauseText(view, c) {
  const m = (id) => mineralName(view, id);
  switch (c.type) {
    case "supply":
      return `${s(view, c.seller)} sells ${c.qty} lot${c.qty === 1 ? "" : "s"}/round of ${c.form} ${m(c.mineral)} to ${s(view, c.buyer)} at ${money(c.price)}/lot`;
    case "invest": {
      let t = `${s(view, c.investor)} invests ${money(c.amount)} in ${s(view, c.host)}: +${c.capacity} ${c.kind === "mine" ? "mine" : "refining"} capacity of ${m(c.mineral)} after ${c.delay} round${c.delay === 1 ? "" : "s"}`;
      if (c.offtake_bp) t += `; offtake ${bp(c.offtake_bp)} of the new output at ${money(c.offtake_price)}/lot`;
      return t;
    }
    case "payment":
      return `${s(view, c.payer)} pays ${s(view, c.payee)} ${money(c.amount)} once`;
    case "tariff_waiver":
      return `${s(view, c.waiver)} waives its tariffs on ${s(view, c.beneficiary)}`;
    case "standards":
      return `Both keep an environmental standard of at least ${c.level}`;
    case "exclusivity":
      return `${s(view, c.seller)} will not sell ${m(c.mineral)} to ${s(view, c.excluded)}`;
    case "license":
      return `${s(view, c.licensor)} exempts ${s(view, c.licensee)} from its export controls on ${m(c.mineral)}`;
    default:
      return JSON.stringify(c);
  }
}

export function dealTitle(view, d) {
  const [a, b] = d.parties;
  return `${d.id} · ${s(view, a)} ↔ ${s(view, b)} · ${d.rounds} round${d.rounds === 1 ? "" : "s"}`;
}

export const STATUS_LABELS = {
  proposed: "proposed",
  active: "active",
  completed: "completed",
  breached: "breached",
  cancelled: "cancelled",
  rejected: "rejected",
  withdrawn: "withdrawn",
};

export function otherSeats(view, me) {
  return Object.keys((view && view.seats) || {}).filter((x) => x !== me);
}

export function seatOptions(view, ids) {
  return ids.map((id) => ({ value: id, label: `${seatName(view, id)} (${id})` }));
}

export function mineralOptions(view) {
  return ((view && view.minerals) || []).map((x) => ({ value: x.id, label: mineralName(view, x.id) }));
}
