// Words in the page's language. The strings are Django's JavaScript catalogue
// (/i18n/js/, loaded before the modules: it defines gettext, ngettext, interpolate);
// without it the English text shows. `_("...")` marks a string for makemessages.
// Scenario texts (country, mineral, card names) come translated from the server
// (json_script "forge-scenario-i18n"); the glossary's plain-language meanings too.
import { h } from "./dom.js";

const g = globalThis;

export function _(text) {
  return typeof g.gettext === "function" ? g.gettext(text) : text;
}

export function ngettext(one, many, n) {
  if (typeof g.ngettext === "function") return g.ngettext(one, many, n);
  return n === 1 ? one : many;
}

/** fmt(_("Round %(n)s of %(m)s"), {n: 1, m: 3}) */
export function fmt(text, values) {
  return String(text).replace(/%\((\w+)\)s/g, (m, k) => (values && k in values ? String(values[k]) : m));
}

function readJson(id, fallback) {
  const el = document.getElementById(id);
  if (!el) return fallback;
  try {
    return JSON.parse(el.textContent) || fallback;
  } catch {
    return fallback;
  }
}

const scenarioTexts = readJson("forge-scenario-i18n", {});
const glossary = readJson("forge-glossary", {});

/** A scenario text in the page's language: sc("countries.USA.name", "United States"). */
export function sc(key, english) {
  return scenarioTexts[key] || english;
}

export function term(key) {
  return glossary[key] || null;
}

let tipCount = 0;
/**
 * A "?" button beside a game term that shows its meaning in plain words (works with a
 * tap, a click or the keyboard; the meaning is also the button's accessible description).
 */
export function tip(key) {
  const t = glossary[key];
  if (!t) return null;
  tipCount += 1;
  const id = `tip-${key}-${tipCount}`;
  const text = h("span", { class: "tip-text", id, role: "note", hidden: true, text: `${t.term}: ${t.text}` });
  const btn = h("button", { type: "button", class: "tip-btn", "aria-expanded": "false", "aria-controls": id,
    "aria-label": fmt(_("What is “%(term)s”?"), { term: t.term }), title: t.text, text: "?",
    on: { click: (e) => {
      e.preventDefault();
      e.stopPropagation();
      text.hidden = !text.hidden;
      btn.setAttribute("aria-expanded", text.hidden ? "false" : "true");
    } } });
  return h("span", { class: "tip" }, btn, text);
}

/**
 * The scenario card a prompt comes from (the view names the card by its English title
 * only): the card whose translated answers are exactly the prompt's options.
 */
export function promptCardId(prompt) {
  if (!prompt || !prompt.options) return null;
  const want = prompt.options.map((o) => o.id).sort().join("|");
  const byCard = {};
  for (const key of Object.keys(scenarioTexts)) {
    const m = /^cards\.([^.]+)\.options\.(.+)$/.exec(key);
    if (m) (byCard[m[1]] = byCard[m[1]] || []).push(m[2]);
  }
  const hits = Object.keys(byCard).filter((c) => byCard[c].sort().join("|") === want);
  return hits.length ? hits[0] : null;
}
