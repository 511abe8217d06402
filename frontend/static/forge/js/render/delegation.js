// A delegation's own panel: money, holdings, capacities, demand, standing, secret aims.
// Used for the player's "my delegation" and for each seat in the facilitator's console.
import { h, fill, changed } from "../dom.js";
import { money, int, mineralName, seatName, bp } from "../format.js";

function policyText(view, pub) {
  const parts = [];
  for (const c of pub.controls || []) {
    parts.push(`export control on ${c.form} ${mineralName(view, c.mineral)} → ${c.targets.map((t) => seatName(view, t)).join(", ")}`);
  }
  for (const t of pub.tariffs || []) {
    parts.push(`${bp(t.rate_bp)} tariff on ${mineralName(view, t.mineral)} from ${t.targets.map((x) => seatName(view, x)).join(", ")}`);
  }
  return parts;
}

export function seatDetails(view, seatId, priv) {
  const pub = view.seats[seatId] || {};
  const stats = h("dl", { class: "stats" },
    h("div", {}, h("dt", { text: "Treasury" }), h("dd", { "data-testid": "treasury", text: money(priv.treasury) })),
    h("div", {}, h("dt", { text: "Stockpile budget" }), h("dd", { text: money(priv.stockpile_budget) })),
    h("div", {}, h("dt", { text: "Reputation" }), h("dd", { text: `${pub.reputation} / 10` })),
    h("div", {}, h("dt", { text: "Env. standard" }), h("dd", { text: `${pub.env_standard} / 3` })),
    h("div", {}, h("dt", { text: "FORGE" }), h("dd", { text: pub.forge_member ? "member" : (priv.applied_forge ? "applied" : "not a member") })),
  );
  const rows = view.minerals.map((m) => {
    const hold = (priv.holdings || {})[m.id] || {};
    const cap = (pub.capacity || {})[m.id] || {};
    return h("tr", {},
      h("th", { scope: "row", text: mineralName(view, m.id) }),
      h("td", { text: int(hold.ore) }), h("td", { text: int(hold.refined) }),
      h("td", { text: int(hold.stockpile) }),
      h("td", { text: int(cap.mine) }), h("td", { text: int(cap.refine) }),
      h("td", { text: int((pub.demand || {})[m.id]) }));
  });
  const table = h("div", { class: "table-wrap" }, h("table", { class: "data" },
    h("caption", { class: "small", text: "Held (ore, refined, stockpile), capacity per round (mine, refine) and demand per round, in lots" }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Mineral" }),
      h("th", { scope: "col", title: "ore held (lots)", text: "Ore" }), h("th", { scope: "col", title: "refined held (lots)", text: "Ref." }),
      h("th", { scope: "col", title: "strategic stockpile (lots)", text: "Stock" }), h("th", { scope: "col", title: "mine capacity (ore lots per round)", text: "Mine" }),
      h("th", { scope: "col", title: "refining capacity (lots per round)", text: "Refine" }), h("th", { scope: "col", title: "industrial demand (refined lots per round)", text: "Dem." }))),
    h("tbody", {}, rows)));
  const objectives = (priv.objectives || []).map((o) => {
    const met = priv.score && priv.score.objectives ? priv.score.objectives[o.id] : undefined;
    return h("li", { class: met === true ? "met" : "" },
      h("span", { text: o.text }), " ", h("span", { class: "pill", text: `+${o.bonus}` }),
      met === true ? h("span", { class: "pill ok", text: "met" }) : null);
  });
  const policies = policyText(view, pub);
  const weights = Object.entries(priv.weights || {}).map(([k, v]) => `${k} ×${v}`).join(", ");
  return h("div", { class: "seat-details" },
    stats,
    table,
    h("h4", { text: "Secret objectives" }),
    objectives.length ? h("ul", { class: "objectives", "data-testid": "objectives" }, objectives)
      : h("p", { class: "muted", text: "None." }),
    weights ? h("p", { class: "muted small", text: `Score weights: ${weights}` }) : null,
    policies.length ? [h("h4", { text: "Policies in force" }), h("ul", {}, policies.map((p) => h("li", { text: p })))] : null,
    priv.score ? h("p", {}, h("strong", { text: `Score: ${priv.score.total}` }),
      h("span", { class: "muted", text: ` (${Object.entries(priv.score.parts).map(([k, v]) => `${k} ${v}`).join(", ")})` })) : null,
  );
}

export function createDelegationPanel(app) {
  const body = h("div", { class: "panel-body" });
  const heading = h("h2", { text: "My delegation" });
  const profile = h("p", { class: "profile muted" });
  const el = h("section", { class: "panel", id: "delegation", "aria-labelledby": "delegation-h",
    "data-testid": "delegation" }, heading, profile, body);
  heading.id = "delegation-h";

  function update(store) {
    const v = store.view;
    if (!v || !v.me) return;
    const seat = v.me.seat;
    if (!changed(el, [v.me, v.seats[seat], v.minerals.length])) return;
    heading.textContent = `My delegation: ${seatName(v, seat)}`;
    profile.textContent = v.seats[seat].profile || "";
    fill(body, seatDetails(v, seat, v.me));
  }
  return { el, update };
}
