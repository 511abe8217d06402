// Price charts (uPlot, vendored): one small chart per mineral with the ore and refined
// clearing prices per round and the reference prices dashed.
import uPlot from "../../vendor/uplot/uPlot.esm.js";
import { h, fill, changed } from "../dom.js";
import { mineralName } from "../format.js";
import { _, fmt } from "../i18n.js";

const COLORS = { ore: "#b35c00", refined: "#1f5fbf" };
const DARK = { ore: "#ffb35c", refined: "#7fb2ff" };

function chartOptions(title, width, height, rounds, dark) {
  const c = dark ? DARK : COLORS;
  const axis = dark ? "#e8eef5" : "#222";
  const grid = dark ? "rgba(255,255,255,0.15)" : "rgba(0,0,0,0.08)";
  const font = dark ? "20px system-ui, sans-serif" : "12px system-ui, sans-serif";
  return {
    title,
    width,
    height,
    scales: { x: { time: false, range: () => [1, Math.max(2, rounds)] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
    axes: [
      { stroke: axis, grid: { stroke: grid }, font, space: 24, incrs: [1, 2, 5, 10], values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? fmt(_("R%(n)s"), { n: v }) : "")) },
      { stroke: axis, grid: { stroke: grid }, font, size: dark ? 60 : 45, values: (u, vals) => vals.map((v) => `$${v}`) },
    ],
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: _("Round") },
      { label: _("Ore"), stroke: c.ore, dash: [12, 5], width: dark ? 3 : 2, points: { show: true, size: dark ? 9 : 6 } },
      { label: _("Refined"), stroke: c.refined, width: dark ? 3 : 2, points: { show: true, size: dark ? 9 : 6 } },
      { label: _("Reference price, ore"), stroke: c.ore, dash: [2, 5], width: 1, points: { show: false } },
      { label: _("Reference price, refined"), stroke: c.refined, dash: [2, 5], width: 1, points: { show: false } },
    ],
  };
}

/** Price charts for every mineral; `prices` is view.prices ("m:form" -> list per round). */
// `manyHeight`: each chart's height when the charts take more than one row (more than
// three minerals), so the projector keeps room for the countries table below them.
export function createPriceCharts(app, { dark = false, height = 170, manyHeight = null, title = _("Prices ($M per lot)"), testid = "prices", hideWhenOver = false } = {}) {
  const grid = h("div", { class: "chart-grid" });
  const emptyNote = h("p", { class: "muted", text: _("Prices appear once the first round has been resolved.") });
  const c = dark ? DARK : COLORS;
  const key = h("p", { class: "chart-key small", },
    h("span", { class: "key-line key-long", style: { borderColor: c.ore } }), ` ${_("ore")} `,
    h("span", { class: "key-line", style: { borderColor: c.refined } }), ` ${_("refined")} `,
    h("span", { class: "key-line key-dash" }), ` ${_("reference price")} `,
    ` · ${_("a gap in a line: no trade that round")}`);
  const el = h("section", { class: "panel charts", id: testid, "aria-labelledby": `${testid}-h`, "data-testid": testid },
    h("h2", { id: `${testid}-h`, text: title }), emptyNote, key, grid);
  const charts = new Map(); // mineral -> {plot, box}

  const ro = new ResizeObserver(() => {
    for (const { plot, box } of charts.values()) {
      const w = Math.max(200, box.clientWidth);
      if (Math.abs(plot.width - w) > 2) plot.setSize({ width: w, height });
    }
  });

  function data(view, pricesSrc, m) {
    // x runs over the whole game, so the reference lines span it and prices fill in.
    const ore = pricesSrc[`${m.id}:ore`] || [];
    const ref = pricesSrc[`${m.id}:refined`] || [];
    const n = Math.max(ore.length, ref.length, view.rounds || 1);
    const xs = Array.from({ length: n }, (_, i) => i + 1);
    // a price of 0 (or none yet) is a round with no trade: a gap in the line, not a fall to 0
    return [xs, xs.map((_, i) => ore[i] || null), xs.map((_, i) => ref[i] || null),
      xs.map(() => m.ref_ore), xs.map(() => m.ref_refined)];
  }

  function update(store, prices) {
    const v = store.view;
    if (!v) return;
    el.hidden = hideWhenOver && v.phase === "ended"; // the debrief shows the price paths
    const src = prices || v.prices || {};
    const n = Math.max(0, ...Object.values(src).map((x) => x.length));
    emptyNote.hidden = n > 0;
    grid.hidden = n === 0;
    key.hidden = n === 0;
    if (!changed(el, [src, v.rounds, v.minerals.map((m) => m.id)])) return;
    if (n === 0) return;
    if (!charts.size && manyHeight && v.minerals.length > 3) height = manyHeight;
    for (const m of v.minerals) {
      const d = data(v, src, m);
      let entry = charts.get(m.id);
      if (!entry) {
        const box = h("figure", { class: "chart", "data-mineral": m.id, "aria-label": fmt(_("%(mineral)s prices per round"), { mineral: mineralName(v, m.id) }) });
        grid.appendChild(box);
        const w = Math.max(200, box.clientWidth || grid.clientWidth / 2 || 300);
        const plot = new uPlot(chartOptions(mineralName(v, m.id), w, height, v.rounds, dark), d, box);
        entry = { plot, box };
        charts.set(m.id, entry);
        ro.observe(box);
      } else {
        entry.plot.setData(d);
      }
    }
  }

  function destroy() {
    ro.disconnect();
    for (const { plot } of charts.values()) plot.destroy();
    charts.clear();
    fill(grid);
  }

  return { el, update, destroy };
}
