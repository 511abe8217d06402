// The debrief at game end, in five tabs so each fits a phone and a 1080p projector
// without scrolling: the ranking with where each country's points came from, the scores
// over the rounds, the prices (a gap: no trade that round), the deals as a network with
// promises set against deliveries, and four discussion questions drawn from this game.
import { h, fill, changed } from "../dom.js";
import { seatName, bp, money, int, keyName, clauseText, factor, STATUS_LABELS } from "../format.js";
import { createPriceCharts } from "./charts.js";
import { _, fmt, sc } from "../i18n.js";

const PARTS = {
  prosperity: _("Prosperity"),
  security: _("Security"),
  sustainability: _("Sustainability"),
  reputation: _("Reputation"),
};
// Where points came from, as the engine's score breakdown names its sources.
const SOURCES = {
  deal: _("deal"),
  breach: _("broken promise"),
  framework: _("framework agreement"),
  output: _("production"),
  forge: "FORGE",
  stockpile: _("reserve stock"),
  event: _("events"),
  supply: _("supply secured"),
  exposure: _("dependence on one supplier"),
  no_deal: _("no-deal result"),
  deals: _("deals"),
  market: _("market"),
  standard: _("environmental standard"),
  standards: _("environmental standard"),
  objectives: _("objectives"),
  breaches: _("broken promises"),
  base: _("no-deal result"),
  baseline: _("no-deal result"),
  production: _("production"),
  investment: _("investment"),
  events: _("events"),
  other: _("other"),
  prices: _("prices others moved"),
  stock: _("stock held"),
  objective: _("objective met"),
  objective_progress: _("progress towards an objective"),
};
const LINE_COLOURS = ["#1f5fbf", "#b35c00", "#1d6b34", "#a31a1a", "#6a3d9a", "#00727a", "#7a5c00", "#444"];
const LINE_COLOURS_DARK = ["#7fb2ff", "#ffb35c", "#8fe3a6", "#ff9d9d", "#d2b4ff", "#6fe0e8", "#ffe066", "#ddd"];
const MARKERS = ["circle", "square", "diamond", "triangle", "circle", "square", "diamond", "triangle"];
const SVG = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

const signed = (n) => (n > 0 ? `+${int(n)}` : n < 0 ? `−${int(-n)}` : "0");
const partName = (p) => PARTS[p] || p.replace(/_/g, " ");
const sourceName = (k) => SOURCES[k] || k.replace(/_/g, " ");

function objectiveText(seat, o) {
  return sc(`countries.${seat}.objectives.${o.id}`, o.text || o.id);
}

/** A score's par: its factor (per mille) and the points it added or took (the engine's
 * breakdown item `par`; none from a server that has no par). */
function parOf(sc_) {
  const items = (sc_.breakdown && Array.isArray(sc_.breakdown.par) && sc_.breakdown.par) || [];
  const points = items.reduce((t, x) => t + (x.points || 0), 0);
  const f = sc_.par ?? (items[0] && items[0].factor) ?? null;
  const money = items[0] && typeof items[0].money_factor === "number" ? items[0].money_factor : null;
  return { factor: f, points, money };
}

/** The par line of a country's explanation, in words a student reads aloud. */
export function parSentence(p) {
  const why = p.factor >= 1000 ? _("countries with less room to gain count their points more")
    : _("countries with more room to gain count their points less");
  if (p.money !== null && p.money !== undefined && p.money !== p.factor) {
    return fmt(_("Par %(factor)s, money %(money_factor)s: %(points)s points (%(why)s)"), { factor: factor(p.factor), money_factor: factor(p.money), points: signed(p.points), why });
  }
  return fmt(_("Par %(factor)s: %(points)s points (%(why)s)"), { factor: factor(p.factor), points: signed(p.points), why });
}

/** The factor beside a total: "×1.4" to the eye, "par: points count ×1.4" to a reader. */
function parTag(f) {
  const label = fmt(_("par: points count %(factor)s"), { factor: factor(f) });
  return h("span", { class: "rank-par", "data-testid": "rank-par", title: label },
    h("span", { "aria-hidden": "true", text: factor(f) }), h("span", { class: "sr-only", text: label }));
}

function weightsOf(v, seat) {
  const priv = (v.private && v.private[seat]) || (v.me && v.me.seat === seat ? v.me : null);
  return priv && priv.weights ? priv.weights : null;
}

/** The engine's per-part breakdown, whatever its exact shape, as [part, [[source, points]]]. */
function breakdownRows(b) {
  if (!b || typeof b !== "object") return null;
  const rows = [];
  const entries = Array.isArray(b) ? b.map((x) => [x.part || x.name, x]) : Object.entries(b);
  for (const [part, x] of entries) {
    if (typeof x === "number") rows.push([part, [[null, x]]]);
    else if (Array.isArray(x)) rows.push([part, x.map((y) => [y.source || y.kind || y.label || y.name, y.points ?? y.value ?? 0, y.partner || null])]);
    else if (x && typeof x === "object") {
      const inner = x.sources || x.from || x;
      rows.push([part, Object.entries(inner).filter(([, n]) => typeof n === "number").map(([k, n]) => [k, n])]);
    }
  }
  return rows.length ? rows : null;
}

/** One country's explanation: where its points came from; `compact` (the projector): the
 * biggest `compact` sources per part and the objectives in two lines at most. */
function explanation(v, seat, sc_, compact = 0) {
  const items = [];
  const rows = breakdownRows(sc_.breakdown);
  if (rows) {
    for (const [part, srcs] of rows) {
      if (part === "objectives" || part === "par") continue; // their own lines below
      // same source and partner added up; rounding and the 0..300 limit go under "other"
      const sums = new Map();
      for (const [k, n, partner] of srcs) {
        const key = k === "rounding" || k === "limit" ? "other" : k;
        const label = key === "deal" && partner ? fmt(_("deals with %(who)s"), { who: seatName(v, partner) }) : key ? sourceName(key) : "";
        sums.set(label, (sums.get(label) || 0) + n);
      }
      const shown = [...sums.entries()].filter(([, n]) => n !== 0).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, compact || 6);
      const value = sc_.parts && part in sc_.parts ? ` ${int(sc_.parts[part])}` : "";
      if (compact && !shown.length) continue;
      items.push(h("li", {}, h("strong", { text: `${partName(part)}${value}: ` }),
        shown.length ? shown.map(([k, n]) => (k ? `${k} ${signed(n)}` : signed(n))).join(", ") : _("as with no deals")));
    }
  } else {
    const parts = Object.entries(sc_.parts || {});
    const best = [...parts].sort((a, b) => b[1] - a[1]);
    items.push(h("li", { text: parts.map(([p, n]) => `${partName(p)} ${int(n)}`).join(" · ") }));
    if (best.length > 1 && !compact) {
      items.push(h("li", { text: fmt(_("Best part: %(best)s (%(a)s); weakest: %(worst)s (%(b)s). 100 = the no-deal result."),
        { best: partName(best[0][0]), a: int(best[0][1]), worst: partName(best[best.length - 1][0]), b: int(best[best.length - 1][1]) }) }));
    }
  }
  const list = sc_.objective_list || [];
  const met = sc_.objectives || {};
  // the engine's objective points: a met objective's bonus, or part of it for the way gone
  // towards a share objective beyond the no-deal game
  const got = new Map(((sc_.breakdown && sc_.breakdown.objectives) || []).map((x) => [x.objective, x.points]));
  const earned = (o) => (got.has(o.id) ? got.get(o.id) : met[o.id] ? o.bonus || 0 : 0);
  const bonus = list.reduce((t, o) => t + earned(o), 0);
  const w = weightsOf(v, seat);
  const top = w ? Object.entries(w).sort((a, b) => b[1] - a[1])[0] : null;
  // the par factor stretches the parts' average plus the objectives: what it added or took
  // is its own term, so the sum shown is the total shown
  const par = parOf(sc_);
  const withPar = par.points !== 0;
  const sum = { avg: int(sc_.total - bonus - par.points), bonus: int(bonus), total: int(sc_.total),
    par: signed(par.points) };
  if (compact) {
    items.push(h("li", { class: withPar ? "par-sum" : null, "data-testid": withPar ? "par-line" : null,
      text: fmt(withPar ? _("Parts %(avg)s + objectives %(bonus)s + par %(par)s = %(total)s")
        : _("Average of the parts %(avg)s + objectives %(bonus)s = %(total)s"), sum) }));
  } else {
    if (withPar) items.push(h("li", { class: "par-line", "data-testid": "par-line", text: parSentence(par) }));
    items.push(h("li", { text: fmt(withPar ? _("Parts averaged by what mattered to this country: %(avg)s%(top)s; objectives: +%(bonus)s; par: %(par)s; total %(total)s.")
      : _("Parts averaged by what mattered to this country: %(avg)s%(top)s; objectives: +%(bonus)s; total %(total)s."),
    { ...sum, top: top ? ` (${fmt(_("%(part)s counted %(n)s times"), { part: partName(top[0]), n: top[1] })})` : "" }) }));
  }
  for (const o of list) {
    const part = !met[o.id] && earned(o) > 0;
    items.push(h("li", { class: met[o.id] ? "obj met" : "obj" }, h("span", { class: met[o.id] ? "pill ok" : "pill",
      text: met[o.id] ? fmt(_("✓ objective met +%(n)s"), { n: earned(o) })
        : part ? fmt(_("◐ part of the way +%(n)s"), { n: earned(o) }) : `✗ ${_("objective not met")}` }), " ",
      h("span", { class: "obj-text", title: objectiveText(seat, o), text: objectiveText(seat, o) })));
  }
  if (!list.length) {
    const ids = Object.entries(met);
    if (ids.length) items.push(h("li", { text: fmt(_("Objectives met: %(n)s of %(m)s"), { n: ids.filter(([, ok]) => ok).length, m: ids.length }) }));
  }
  return h("ul", { class: "plain why" }, items);
}

/** Each seat's total after every resolved round (the engine's `history`, public at the
 * end like the scores), else, from a server that keeps none, clean-tech output. */
function scoreSeries(v) {
  const seats = Object.keys(v.scores);
  const perSeat = {};
  let kind = "score";
  for (const seat of seats) {
    const r = v.scores[seat].history;
    if (Array.isArray(r) && r.length) perSeat[seat] = r.map((x) => (typeof x === "number" ? x : x && x.total));
  }
  if (Object.keys(perSeat).length !== seats.length) {
    kind = "output";
    for (const seat of seats) perSeat[seat] = (v.reports || []).map((r) => (r.headline && r.headline[seat] ? r.headline[seat].output_value : null));
  }
  return { kind, perSeat };
}

// Each line's look without its colour: a marker shape, solid or dashed, filled or hollow;
// sixteen seats get sixteen different looks, so colour is never the only way to tell.
const SYMBOLS = { circle: ["●", "○"], square: ["■", "□"], diamond: ["◆", "◇"], triangle: ["▲", "△"] };
function lineStyle(j) {
  return { marker: MARKERS[j % 4], dashed: Math.floor(j / 4) % 2 === 1, hollow: j >= 8 };
}

/** The chart's numbers as a table (what a screen reader or a careful reader uses). */
function scoreTable(v, series, title) {
  const seats = Object.keys(series).sort((a, b) => (v.scores[b].total - v.scores[a].total));
  const n = Math.max(0, ...seats.map((k) => series[k].length));
  const cols = Array.from({ length: n }, (_x, i) => fmt(_("R%(n)s"), { n: i + 1 }));
  return h("details", { class: "chart-table", "data-testid": "rounds-table" },
    h("summary", { text: _("Show the numbers as a table") }),
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": title },
      h("table", { class: "data" }, h("caption", { class: "sr-only", text: title }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: _("Country") }), cols.map((c) => h("th", { scope: "col", class: "num", text: c })))),
        h("tbody", {}, seats.map((seat) => h("tr", {}, h("th", { scope: "row", text: seatName(v, seat) }),
          Array.from({ length: n }, (_x, i) => { const q = series[seat][i]; return h("td", { class: "num", text: typeof q === "number" ? int(q) : "—" }); })))))));
}

function lineChart(v, series, { dark, label, zero = true }) {
  const seats = Object.keys(series);
  const n = Math.max(1, ...seats.map((k) => series[k].length));
  const vals = seats.flatMap((k) => series[k]).filter((x) => typeof x === "number");
  // round gridlines: a step of 1, 2, 2.5 or 5 times a power of ten, four or five of them
  // (scores start from a gridline under the lowest, not from 0: they move around 100)
  const top = Math.max(1, ...vals);
  const low = zero ? Math.min(0, ...vals) : Math.min(top - 1, ...vals);
  const raw = (top - low) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 2.5, 5, 10].map((k) => k * mag).find((k) => k >= raw));
  const min = zero ? low : step * Math.floor(low / step);
  const max = min + step * Math.ceil((top - min) / step);
  // on a phone the chart is drawn narrower (larger type once scaled) and names its lines
  // in the legend below instead of at their ends
  const narrow = window.matchMedia("(max-width: 600px)").matches;
  const W = narrow ? 400 : 720, H = narrow ? 280 : 330, L = 52, R = narrow ? 16 : 150, T = 14, B = 40;
  const x = (i) => L + (n === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  const y = (val) => T + (H - T - B) * (1 - (val - min) / (max - min));
  const colours = dark ? LINE_COLOURS_DARK : LINE_COLOURS;
  const ink = dark ? "#e8eef5" : "#222";
  const grid = [];
  for (let val = min; val <= max + step / 2; val += step) {
    grid.push(s("line", { x1: L, x2: W - R, y1: y(val), y2: y(val), stroke: dark ? "rgba(255,255,255,.15)" : "rgba(0,0,0,.1)" }),
      s("text", { x: L - 6, y: y(val) + 5, "text-anchor": "end", fill: ink, "font-size": 15 }, int(Math.round(val))));
  }
  for (let i = 0; i < n; i += 1) grid.push(s("text", { x: x(i), y: H - 12, "text-anchor": "middle", fill: ink, "font-size": 15 }, fmt(_("R%(n)s"), { n: i + 1 })));
  const ends = [];
  const legend = [];
  const bg = dark ? "#132235" : "#fff";
  const lines = seats.map((seat, j) => {
    const st = lineStyle(j);
    const c = colours[j % colours.length];
    const mark = `${SYMBOLS[st.marker][st.hollow ? 1 : 0]}`;
    legend.push(h("li", {}, h("span", { class: "legend-mark", style: { color: c }, "aria-hidden": "true",
      text: `${mark}${st.dashed ? " - -" : " ——"}` }), ` ${seatName(v, seat)} ${int(series[seat].filter((q) => typeof q === "number").pop())}`));
    const pts = series[seat].map((val, i) => (typeof val === "number" ? [x(i), y(val)] : null));
    const d = pts.map((p, i) => (p ? `${i && pts[i - 1] ? "L" : "M"}${p[0].toFixed(1)},${p[1].toFixed(1)}` : "")).join("");
    const paint = st.hollow ? { fill: bg, stroke: c, "stroke-width": 2.5 } : { fill: c };
    const marks = pts.filter(Boolean).map(([px, py]) => {
      if (st.marker === "square") return s("rect", { x: px - 5, y: py - 5, width: 10, height: 10, ...paint });
      if (st.marker === "diamond") return s("path", { d: `M${px},${py - 7}L${px + 7},${py}L${px},${py + 7}L${px - 7},${py}Z`, ...paint });
      if (st.marker === "triangle") return s("path", { d: `M${px},${py - 7}L${px + 7},${py + 6}L${px - 7},${py + 6}Z`, ...paint });
      return s("circle", { cx: px, cy: py, r: 5.5, ...paint });
    });
    const last = pts.filter(Boolean).pop();
    if (last) ends.push({ y: last[1], seat, c, mark, val: series[seat].filter((q) => typeof q === "number").pop() });
    return s("g", { class: "series", "data-seat": seat }, s("path", { d, fill: "none", stroke: c, "stroke-width": 3, "stroke-dasharray": st.dashed ? "8 4" : null }), marks);
  });
  ends.sort((a, b) => a.y - b.y);
  for (let i = 1; i < ends.length; i += 1) if (ends[i].y - ends[i - 1].y < 18) ends[i].y = ends[i - 1].y + 18;
  const labels = narrow ? [] : ends.map((e) => s("text", { x: W - R + 8, y: e.y + 5, fill: e.c, "font-size": 16, "font-weight": 700 }, `${e.mark} ${seatName(v, e.seat)} ${int(e.val)}`));
  return h("figure", { class: "line-chart" }, s("svg", { viewBox: `0 0 ${W} ${narrow ? H : Math.max(H, (ends.length ? ends[ends.length - 1].y : 0) + 20)}`, class: "debrief-svg", role: "img", "aria-label": label },
    grid, lines, labels), narrow ? h("ul", { class: "plain chart-legend small" }, legend) : null);
}

/** Signed deals as a graph: countries on a circle, a line per pair that signed. */
function dealNetwork(v, deals, { dark }) {
  const seats = Object.keys(v.seats);
  const narrow = window.matchMedia("(max-width: 600px)").matches;
  // a big table (more than eight countries) gets a larger drawing; each name goes on the
  // outermost of four rings where it overlaps no name placed before it
  const big = seats.length > 8;
  const [W, H, rx, ry, font] = narrow ? (big ? [520, 720, 175, 305, 15] : [400, 440, 120, 180, 15])
    : (big ? [1000, 600, 390, 245, 22] : [640, 420, 217, 150, 17]);
  const cx = W / 2, cy = H / 2;
  const boxW = (seat) => Math.max(64, seatName(v, seat).length * font * 0.6 + 16);
  const placed = [];
  const pos = Object.fromEntries(seats.map((seat, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / seats.length;
    const w = boxW(seat);
    let best = null;
    for (const k of [1, 0.78, 0.58, 0.4]) {
      const p = [cx + k * rx * Math.cos(a), cy + k * ry * Math.sin(a)];
      const hits = placed.filter(([q, qw]) => Math.abs(p[0] - q[0]) < (w + qw) / 2 + 4 && Math.abs(p[1] - q[1]) < 2 * font + 6).length;
      if (!best || hits < best[1]) best = [p, hits];
      if (!hits) break;
    }
    placed.push([best[0], w]);
    return [seat, best[0]];
  }));
  const pairs = new Map();
  for (const d of deals) {
    const [a, b] = [...d.parties].sort();
    const key = `${a}|${b}`;
    const p = pairs.get(key) || { a, b, n: 0, broken: 0 };
    p.n += 1;
    if (d.status === "breached" || d.breaches) p.broken += 1;
    pairs.set(key, p);
  }
  const ink = dark ? "#f2f6fb" : "#16202c";
  const ok = dark ? "#8fe3a6" : "#1d6b34";
  const bad = dark ? "#ff9d9d" : "#a31a1a";
  const edges = [...pairs.values()].filter((p) => pos[p.a] && pos[p.b]).map((p) => {
    const [x1, y1] = pos[p.a];
    const [x2, y2] = pos[p.b];
    return s("g", {},
      s("line", { x1, y1, x2, y2, stroke: p.broken ? bad : ok, "stroke-width": 2 + 2 * Math.min(p.n, 4), "stroke-dasharray": p.broken ? "10 6" : null, "stroke-linecap": "round" }),
      s("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 + 6, "text-anchor": "middle", "font-size": 18, "font-weight": 700, fill: ink,
        stroke: dark ? "#132235" : "#fff", "stroke-width": 5, "paint-order": "stroke" }, p.broken ? `${p.n} (${p.broken}✗)` : String(p.n)));
  });
  const nodes = seats.map((seat) => {
    const [x, y] = pos[seat];
    const name = seatName(v, seat);
    const w = boxW(seat);
    return s("g", {}, s("rect", { x: x - w / 2, y: y - font - 1, width: w, height: 2 * font + 2, rx: 8, fill: dark ? "#24405f" : "#e8edf4", stroke: ink, "stroke-width": 1.5 }),
      s("text", { x, y: y + font * 0.35, "text-anchor": "middle", "font-size": font, "font-weight": 700, fill: ink }, name));
  });
  const summary = [...pairs.values()].map((p) => fmt(_("%(a)s and %(b)s: %(n)s deals, %(broken)s broken"),
    { a: seatName(v, p.a), b: seatName(v, p.b), n: p.n, broken: p.broken })).join("; ");
  return s("svg", { viewBox: `0 0 ${W} ${H}`, class: "debrief-svg network", role: "img",
    "aria-label": `${_("Who signed deals with whom")}: ${summary || _("no deals were signed")}` }, edges, nodes);
}

function discussion(v, ranked, deals) {
  const qs = [];
  const [, firstScore] = ranked[0];
  const [, lastScore] = ranked[ranked.length - 1];
  // equal totals share a place: every seat tied first (or last) is named
  const tied = (total) => ranked.filter(([, x]) => x.total === total).map(([seat]) => seatName(v, seat)).join(", ");
  if (firstScore.total === lastScore.total) {
    qs.push(fmt(_("Every country finished level, with %(a)s points. Why did nobody do better than the game with no deals?"), { a: int(firstScore.total) }));
  } else {
    qs.push(fmt(_("%(first)s finished first with %(a)s points and %(last)s last with %(b)s. What did %(first)s do that the others did not?"),
      { first: tied(firstScore.total), a: int(firstScore.total), last: tied(lastScore.total), b: int(lastScore.total) }));
  }
  const broken = deals.filter((d) => d.status === "breached" || d.breaches);
  if (broken.length) {
    const d = broken[0];
    qs.push(fmt(_("%(n)s deals were broken, among them one between %(a)s and %(b)s. Why would a country break a promise, and what did it cost?"),
      { n: broken.length, a: seatName(v, d.parties[0]), b: seatName(v, d.parties[1]) }));
  } else if (deals.length) {
    qs.push(fmt(_("%(n)s deals were signed and every one was kept. What made these promises believable?"), { n: deals.length }));
  } else {
    qs.push(_("No deal was signed. What stopped the countries from trusting each other?"));
  }
  const prices = (v.world && v.world.prices) || v.prices || {};
  let move = null;
  let gap = null;
  for (const [key, xs] of Object.entries(prices)) {
    const traded = xs.map((p, i) => [i + 1, p]).filter(([, p]) => p > 0);
    if (traded.length >= 2) {
      const change = Math.abs(traded[traded.length - 1][1] - traded[0][1]) / traded[0][1];
      if (!move || change > move.change) move = { key, change, a: traded[0][1], b: traded[traded.length - 1][1] };
    }
    const none = xs.findIndex((p) => !p);
    if (none >= 0 && traded.length && !gap) gap = { key, round: none + 1 };
  }
  if (move && move.change >= 0.1) {
    qs.push(fmt(_("The price of %(what)s went from %(a)s to %(b)s per lot. Who gained from that, and who lost?"),
      { what: keyName(v, move.key), a: money(move.a), b: money(move.b) }));
  } else if (gap) {
    qs.push(fmt(_("Nobody traded %(what)s on the market in round %(r)s. Why not, and who was hurt?"), { what: keyName(v, gap.key), r: gap.round }));
  } else {
    qs.push(_("Prices hardly moved. Why did the market stay calm?"));
  }
  const all = ranked.flatMap(([, x]) => Object.values(x.objectives || {}));
  const met = all.filter(Boolean).length;
  qs.push(fmt(_("%(met)s of %(all)s secret objectives were met, and the world met %(pct)s of its demand for minerals. Did countries working for themselves help or hurt the world's result?"),
    { met, all: all.length, pct: bp(v.world ? v.world.demand_met_bp : null) }));
  return qs;
}

export function createDebrief(app, { dark = false } = {}) {
  const TABS = [["ranking", _("Ranking")], ["rounds", _("Scores over rounds")], ["prices", _("Prices")],
    ["deals", _("Deals")], ["discuss", _("Discuss")]];
  const panes = {};
  const buttons = {};
  let current = "ranking";
  // The projector shows the ranking a page at a time, at most RANK_PAGE places, as many
  // as fit the screen (a 13- or 16-seat table does not fit one 1080p screen in type read
  // from the back, and how many fit depends on the texts and the language); Next pages
  // through them before the next tab.
  const RANK_PAGE = 6;
  const bigScreen = window.matchMedia("(min-width: 1800px) and (min-height: 900px)");
  let rankPage = 0;
  let rankBreaks = [];
  const rankNote = h("span", { class: "small rank-note", "data-testid": "rank-page", role: "status" });
  function showRankPage() {
    if (current !== "ranking") { rankNote.hidden = true; return; }
    const items = [...panes.ranking.querySelectorAll("li.rank-item")];
    const show = (from, count) => items.forEach((li, i) => { li.hidden = i < from || i >= from + count; });
    rankBreaks = [];
    if (dark && bigScreen.matches && items.length > 1) {
      const fits = () => document.documentElement.scrollHeight <= window.innerHeight + 1;
      for (let from = 0; from < items.length;) {
        let count = Math.min(RANK_PAGE, items.length - from);
        show(from, count);
        while (count > 1 && !fits()) { count -= 1; show(from, count); }
        rankBreaks.push([from, count]);
        from += count;
      }
    }
    if (rankBreaks.length < 2) {
      rankBreaks = [[0, items.length]];
      rankPage = 0;
      show(0, items.length);
      rankNote.hidden = true;
      return;
    }
    rankPage = Math.min(rankPage, rankBreaks.length - 1);
    const [from, count] = rankBreaks[rankPage];
    show(from, count);
    rankNote.hidden = false;
    rankNote.textContent = fmt(_("Places %(from)s to %(to)s of %(n)s: press Next for the rest."),
      { from: from + 1, to: from + count, n: items.length });
  }
  window.addEventListener("resize", () => { if (!el.hidden && current === "ranking") showRankPage(); });
  const tablist = h("div", { class: "debrief-tabs", role: "tablist", "aria-label": _("Parts of the debrief") });
  const charts = createPriceCharts(app, { dark, title: _("Prices ($M per lot)"), testid: "debrief-price-charts", height: dark ? 230 : 170 });
  function select(id, focus = false) {
    if (id !== current) rankPage = 0;
    current = id;
    for (const [k] of TABS) {
      buttons[k].setAttribute("aria-selected", k === id ? "true" : "false");
      buttons[k].tabIndex = k === id ? 0 : -1;
      panes[k].hidden = k !== id;
    }
    if (focus) buttons[id].focus();
    if (id === "prices") window.dispatchEvent(new Event("resize"));
    if (id === "ranking") showRankPage();
    else rankNote.hidden = true;
  }
  function step(by) {
    if (current === "ranking" && rankPage + by >= 0 && rankPage + by < rankBreaks.length) {
      rankPage += by;
      showRankPage();
      return;
    }
    const k = TABS.findIndex(([x]) => x === current);
    select(TABS[(k + by + TABS.length) % TABS.length][0]);
    if (by < 0 && current === "ranking") { rankPage = rankBreaks.length - 1; showRankPage(); }
  }
  for (const [i, [id, label]] of TABS.entries()) {
    buttons[id] = h("button", { type: "button", role: "tab", class: "tab", id: `debrief-tab-${id}`, "aria-controls": `debrief-${id}`,
      "data-testid": `debrief-tab-${id}`, text: `${i + 1}. ${label}`,
      on: { click: () => select(id), keydown: (e) => {
        const k = TABS.findIndex(([x]) => x === id);
        const to = e.key === "ArrowRight" ? k + 1 : e.key === "ArrowLeft" ? k - 1 : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : null;
        if (to === null) return;
        e.preventDefault();
        select(TABS[(to + TABS.length) % TABS.length][0], true);
      } } });
    tablist.append(buttons[id]);
    panes[id] = h("div", { role: "tabpanel", id: `debrief-${id}`, class: `debrief-pane pane-${id}`, "aria-labelledby": `debrief-tab-${id}`, "data-testid": `debrief-${id}`, hidden: id !== "ranking" });
  }
  const pager = h("div", { class: "btn-row debrief-pager" }, rankNote,
    h("button", { type: "button", class: "btn", "data-testid": "debrief-prev", text: `‹ ${_("Previous")}`, on: { click: () => step(-1) } }),
    h("button", { type: "button", class: "btn btn-primary", "data-testid": "debrief-next", text: `${_("Next")} ›`, on: { click: () => step(1) } }));
  const pricesNote = h("p", { class: "small", text: _("A gap in a line means nobody traded that round: there was no price.") });
  const el = h("section", { class: `panel debrief${dark ? " debrief-dark" : ""}`, id: "debrief", "aria-labelledby": "debrief-h", "data-testid": "debrief", hidden: true },
    h("div", { class: "debrief-head" }, h("h2", { id: "debrief-h", text: _("Debrief: who won and why") }), tablist),
    Object.values(panes), pager);

  function update(store) {
    const v = store.view;
    const over = !!(v && v.phase === "ended" && v.scores);
    el.hidden = !over;
    if (!over) return;
    charts.update(store, (v.world && v.world.prices) || v.prices);
    if (!changed(el, [v.scores, v.world, v.deals, v.me && v.me.seat])) return;
    const ranked = Object.entries(v.scores).sort((a, b) => b[1].total - a[1].total);
    const me = app.seat();
    const deals = (v.deals || []).filter((d) => ["active", "completed", "breached", "cancelled"].includes(d.status));

    // 1. ranking, with where the points came from
    const pars = ranked.some(([, x]) => typeof x.par === "number" && x.par !== 1000);
    fill(panes.ranking, h("p", { class: "small muted" }, _("In each part, 100 = as well as the country would have done with no deals."),
      pars ? ` ${_("Par (×): countries with less room to gain count their points more.")}` : ""),
      // equal totals share a place (1, 1, 3): a tie at the top is a shared win
      h("ol", { class: "ranking", "data-testid": "scores" }, ranked.map(([seat, x]) => h("li", { class: `rank-item${seat === me ? " me" : ""}`, "data-seat": seat },
        h("div", { class: "rank-head" }, h("span", { class: "rank-no", text: `${1 + ranked.filter(([, y]) => y.total > x.total).length}` }), h("strong", { class: "rank-name", text: seatName(v, seat) }),
          seat === me ? h("span", { class: "pill", text: _("you") }) : null,
          h("span", { class: "rank-score" }, h("span", { class: "rank-total", text: fmt(_("%(n)s points"), { n: int(x.total) }) }),
            typeof x.par === "number" ? [" ", parTag(x.par)] : null)),
        // a big table on the projector: two sources per part, so more places fit a page
        explanation(v, seat, x, dark ? (ranked.length > 8 ? 2 : 3) : 0)))));

    // 2. scores over rounds
    const { kind, perSeat } = scoreSeries(v);
    const title = kind === "score" ? _("Total score after each round") : _("Clean-tech output after each round ($M)");
    fill(panes.rounds, h("h3", { class: "sub", text: title }),
      lineChart(v, perSeat, { dark, zero: kind !== "score", label: `${title}: ${Object.entries(perSeat).map(([seat, xs]) => `${seatName(v, seat)} ${xs.map((q) => (q === null || q === undefined ? "—" : int(q))).join(", ")}`).join("; ")}` }),
      scoreTable(v, perSeat, title),
      kind === "output" ? h("p", { class: "small muted", text: _("Scores are worked out at the end; this is what each country's factories produced, which they are built on.") }) : null);

    // 3. prices
    fill(panes.prices, pricesNote, charts.el);

    // 4. deals: the network and promises against deliveries
    // the viewer's own deals first, then the broken ones
    const mine = (d) => (me && d.parties.includes(me) ? 1 : 0);
    const promiseItems = [...deals].sort((a, b) => mine(b) - mine(a) || (b.breaches || 0) - (a.breaches || 0));
    const SHOW = dark ? 5 : 12;
    fill(panes.deals, h("div", { class: "deals-grid" },
      h("figure", { class: "network-box" }, dealNetwork(v, deals, { dark }),
        h("figcaption", { class: "small", text: _("A line: the two countries signed deals (how many on the line). Solid: every promise kept. Dashed with ✗: a deal was broken.") })),
      h("div", {}, h("h3", { class: "sub", text: _("Promises and deliveries") }),
        deals.length ? h("ul", { class: "plain promises", "data-testid": "promises" }, promiseItems.slice(0, SHOW).map((d) => {
          const done = d.rounds_done || 0;
          const kept = Math.max(0, done - (d.breaches || 0));
          const supply = (d.clauses || []).find((c) => c.type === "supply") || (d.clauses || [])[0];
          return h("li", { class: d.breaches ? "broken" : "kept" },
            h("strong", { text: `${seatName(v, d.parties[0])} ↔ ${seatName(v, d.parties[1])}: ` }),
            supply ? clauseText(v, supply) : "",
            h("br"),
            h("span", { class: d.breaches ? "pill status-breached" : "pill ok",
              text: d.breaches ? fmt(_("✗ kept %(kept)s of %(rounds)s rounds: broken %(n)s times"), { kept, rounds: d.rounds, n: d.breaches })
                : fmt(_("✓ kept %(kept)s of %(rounds)s rounds"), { kept, rounds: d.rounds }) }),
            " ", h("span", { class: "small muted", text: STATUS_LABELS[d.status] || d.status }));
        })) : h("p", { class: "muted", text: _("No deal was signed.") }),
        promiseItems.length > SHOW ? h("p", { class: "small muted", text: fmt(_("and %(n)s more deals"), { n: promiseItems.length - SHOW }) }) : null)));

    // 5. discussion
    const w = v.world || {};
    fill(panes.discuss, h("dl", { class: "stats big-stats", "data-testid": "world" },
      h("div", {}, h("dt", { text: _("Demand met worldwide") }), h("dd", { text: bp(w.demand_met_bp) })),
      h("div", {}, h("dt", { text: _("Clean-tech output") }), h("dd", { text: money(w.output_value) }))),
    h("h3", { class: "sub", text: _("Questions for the class") }),
    h("ol", { class: "discuss", "data-testid": "questions" }, discussion(v, ranked, deals).map((q) => h("li", { text: q }))));
    select(current);
  }
  return { el, update };
}
