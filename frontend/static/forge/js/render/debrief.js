// The debrief at game end: final scores (parts, objectives met, total), the world outcome
// and the price paths, so a class can set each country's score against the shared result.
import { h, fill, changed } from "../dom.js";
import { seatName, bp, money, int, mineralName } from "../format.js";
import { createPriceCharts } from "./charts.js";
import { _, fmt, sc } from "../i18n.js";

function objectiveTexts(view, seat) {
  const priv = (view.private && view.private[seat]) || (view.me && view.me.seat === seat ? view.me : null);
  const out = {};
  for (const o of (priv && priv.objectives) || []) out[o.id] = sc(`countries.${seat}.objectives.${o.id}`, o.text);
  return out;
}

const PARTS = {
  prosperity: _("Prosperity"),
  security: _("Security"),
  sustainability: _("Sustainability"),
  reputation: _("Reputation"),
};

export function createDebrief(app, { dark = false } = {}) {
  const scores = h("div", {});
  const world = h("div", {});
  const charts = createPriceCharts(app, { dark, title: _("Price paths"), testid: "debrief-prices", height: dark ? 220 : 170 });
  const el = h("section", { class: "panel debrief", id: "debrief", "aria-labelledby": "debrief-h", "data-testid": "debrief", hidden: true },
    h("h2", { id: "debrief-h", text: _("Debrief: the final result") }), scores, world, charts.el);

  function update(store) {
    const v = store.view;
    const over = !!(v && v.phase === "ended" && v.scores);
    el.hidden = !over;
    if (!over) return;
    charts.update(store, (v.world && v.world.prices) || v.prices);
    if (!changed(el, [v.scores, v.world, v.me && v.me.seat])) return;
    const parts = [...new Set(Object.values(v.scores).flatMap((s) => Object.keys(s.parts)))];
    const ranked = Object.entries(v.scores).sort((a, b) => b[1].total - a[1].total);
    const me = app.seat();
    fill(scores, h("div", { class: "table-wrap" }, h("table", { class: "data scores", "data-testid": "scores" },
      h("caption", { text: _("Final scores (100 in a part = as well as the country would have done with no deals)") }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "#" }), h("th", { scope: "col", text: _("Country") }),
        parts.map((p) => h("th", { scope: "col", text: PARTS[p] || p[0].toUpperCase() + p.slice(1) })),
        h("th", { scope: "col", text: _("Objectives met") }), h("th", { scope: "col", text: _("Total") }))),
      h("tbody", {}, ranked.map(([seat, s], i) => {
        const texts = objectiveTexts(v, seat);
        const objs = Object.entries(s.objectives || {});
        const met = objs.filter(([, ok]) => ok).length;
        return h("tr", { class: seat === me ? "me" : "" },
          h("td", { text: String(i + 1) }),
          h("th", { scope: "row", text: seatName(v, seat) }),
          parts.map((p) => h("td", { text: int(s.parts[p]) })),
          h("td", {}, `${met} / ${objs.length}`, Object.keys(texts).length
            ? h("ul", { class: "plain small" }, objs.map(([id, ok]) => h("li", { text: `${ok ? `✓ ${_("met")}` : `✗ ${_("not met")}`}: ${texts[id] || id}` }))) : null),
          h("td", {}, h("strong", { text: int(s.total) })));
      })))));
    const w = v.world || {};
    const short = Object.entries(w.shortages || {});
    fill(world, h("h3", { class: "sub", text: _("The world outcome") }),
      h("dl", { class: "stats big-stats", "data-testid": "world" },
        h("div", {}, h("dt", { text: _("Demand met worldwide") }), h("dd", { text: bp(w.demand_met_bp) })),
        h("div", {}, h("dt", { text: _("Clean-tech output") }), h("dd", { text: money(w.output_value) }))),
      short.length ? h("div", { class: "table-wrap" }, h("table", { class: "data" },
        h("caption", { text: _("Shortages per round (lots, all countries)") }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: _("Mineral") }),
          (short[0][1] || []).map((_, i) => h("th", { scope: "col", text: fmt(_("R%(n)s"), { n: i + 1 }) })))),
        h("tbody", {}, short.map(([m, xs]) => h("tr", {}, h("th", { scope: "row", text: mineralName(v, m) }),
          xs.map((q) => h("td", { text: int(q) }))))))) : null);
  }
  return { el, update };
}
