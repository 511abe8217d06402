// A delegation's own panel: money, holdings, capacities, demand, standing, secret aims.
// Used for the player's "my delegation" and for each seat in the facilitator's console.
import { h, fill, changed } from "../dom.js";
import { money, int, mineralName, seatName, bp, formName, factor } from "../format.js";
import { _, fmt, sc, tip } from "../i18n.js";

const PARTS = { prosperity: _("money and growth"), security: _("secure supply"), sustainability: _("clean production"), reputation: _("reputation") };

function policyText(view, pub) {
  const parts = [];
  for (const c of pub.controls || []) {
    parts.push(fmt(_("export ban on %(form)s %(mineral)s to %(who)s"), { form: formName(c.form), mineral: mineralName(view, c.mineral), who: c.targets.map((t) => seatName(view, t)).join(", ") }));
  }
  for (const t of pub.tariffs || []) {
    parts.push(fmt(_("%(rate)s import tax on %(mineral)s from %(who)s"), { rate: bp(t.rate_bp), mineral: mineralName(view, t.mineral), who: t.targets.map((x) => seatName(view, x)).join(", ") }));
  }
  return parts;
}

/** What one point is worth to this seat: its par factor (and its money's, where the money
 * window set that apart) and, when money counts for it, the $M of extra prosperity that add
 * 10 points to its total (the engine's own figures). */
export function parLine(priv) {
  if (!priv || typeof priv.par !== "number") return null;
  const apart = typeof priv.par_money === "number" && priv.par_money !== priv.par;
  const count = apart
    ? fmt(_("Your points count %(factor)s (par), those from money %(money_factor)s."), { factor: factor(priv.par), money_factor: factor(priv.par_money) })
    : fmt(_("Your points count %(factor)s (par)."), { factor: factor(priv.par) });
  const per10 = priv.money_per_10_points
    ? ` ${fmt(_("10 points = %(money)s of extra prosperity."), { money: money(priv.money_per_10_points) })}` : "";
  return h("p", { class: "small par-note", "data-testid": "par-note" }, count + per10);
}

export function seatDetails(view, seatId, priv) {
  const pub = view.seats[seatId] || {};
  const stats = h("dl", { class: "stats" },
    h("div", {}, h("dt", {}, _("Treasury"), tip("treasury")), h("dd", { "data-testid": "treasury", text: money(priv.treasury) })),
    h("div", {}, h("dt", {}, _("Reserve money"), tip("stockpile_budget")), h("dd", { text: money(priv.stockpile_budget) })),
    h("div", {}, h("dt", {}, _("Reputation"), tip("reputation")), h("dd", { text: `${pub.reputation} / 10` })),
    h("div", {}, h("dt", {}, _("Environmental standard"), tip("standards")), h("dd", { text: `${pub.env_standard} / 3` })),
    h("div", {}, h("dt", {}, "FORGE", tip("forge")), h("dd", { text: pub.forge_member ? _("member") : (priv.applied_forge ? _("applied") : _("not a member")) })),
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
    h("caption", { class: "small" }, _("What you hold, what you can produce and what your factories need each round, in lots"), tip("lot")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: _("Mineral") }),
      h("th", { scope: "col", text: _("Ore held") }), h("th", { scope: "col", text: _("Refined held") }),
      h("th", { scope: "col", text: _("In reserve") }), h("th", { scope: "col", text: _("Can mine") }),
      h("th", { scope: "col", text: _("Can refine") }), h("th", { scope: "col", text: _("Factories need") }))),
    h("tbody", {}, rows)));
  const objectives = (priv.objectives || []).map((o) => {
    const met = priv.score && priv.score.objectives ? priv.score.objectives[o.id] : undefined;
    return h("li", { class: met === true ? "met" : "" },
      h("span", { text: sc(`countries.${seatId}.objectives.${o.id}`, o.text) }), " ", h("span", { class: "pill", text: fmt(_("+%(n)s bonus points"), { n: o.bonus }) }),
      met === true ? h("span", { class: "pill ok", text: _("✓ reached") }) : null);
  });
  const policies = policyText(view, pub);
  const weights = Object.entries(priv.weights || {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => fmt(_("%(part)s (counts %(n)s times)"), { part: PARTS[k] || k, n: v })).join(", ");
  return h("div", { class: "seat-details" },
    stats,
    table,
    h("h4", {}, _("Secret objectives"), tip("objective")),
    objectives.length ? h("ul", { class: "objectives", "data-testid": "objectives" }, objectives)
      : h("p", { class: "muted", text: _("None.") }),
    weights ? h("p", { class: "small" }, h("strong", { text: _("What matters most to you: ") }), weights, tip("weights")) : null,
    parLine(priv),
    policies.length ? [h("h4", { text: _("Your policies in force") }), h("ul", {}, policies.map((p) => h("li", { text: p })))] : null,
    priv.score ? h("p", {}, h("strong", { text: fmt(_("Score: %(n)s"), { n: priv.score.total }) }),
      h("span", { class: "muted", text: ` (${Object.entries(priv.score.parts).map(([k, v]) => `${PARTS[k] || k} ${v}`).join(", ")})` })) : null,
  );
}

export function createDelegationPanel(app) {
  const body = h("div", { class: "panel-body" });
  const heading = h("h2", { text: _("My delegation") });
  const profile = h("p", { class: "profile muted" });
  const el = h("section", { class: "panel", id: "delegation", "aria-labelledby": "delegation-h",
    "data-testid": "delegation" }, heading, profile, body);
  heading.id = "delegation-h";

  function update(store) {
    const v = store.view;
    if (!v || !v.me) return;
    const seat = v.me.seat;
    if (!changed(el, [v.me, v.seats[seat], v.minerals.length])) return;
    heading.textContent = fmt(_("My delegation: %(country)s"), { country: seatName(v, seat) });
    profile.textContent = sc(`countries.${seat}.profile`, v.seats[seat].profile || "");
    fill(body, seatDetails(v, seat, v.me));
  }
  return { el, update };
}
