// The round's event card and, for a seat, the prompts it must answer. A card the
// facilitator fires during the round is shown beside the round's own card, not over it;
// prompts of earlier rounds are not kept on screen once answered.
import { h, fill, changed } from "../dom.js";
import { _, fmt, sc, tip, promptCardId } from "../i18n.js";

function cardText(card, field) {
  return sc(`cards.${card.id}.${field}`, card[field]);
}

export function cardElement(card, { big = false, label = "", fired = false } = {}) {
  if (!card) return h("p", { class: "muted", text: _("No card yet: the first card is revealed when the game starts.") });
  return h("article", { class: `card${big ? " card-big" : ""}${fired ? " card-fired" : ""}`, "data-testid": fired ? "fired-card" : "card" },
    label ? h("p", { class: "card-label", text: label }) : null,
    h("h3", { class: "card-title", text: cardText(card, "title") }),
    card.text ? h("p", { class: "card-text", text: cardText(card, "text") }) : null);
}

/** The round's first card, remembered per game and round (the view holds only the latest). */
export function roundCards(app, view) {
  if (!view || !view.card) return { round: null, fired: null };
  const key = `forge-card-${app.cfg.code}-${view.round}`;
  let first = null;
  try {
    first = JSON.parse(sessionStorage.getItem(key) || "null");
  } catch { /* storage off: show the latest card only */ }
  if (!first) {
    first = view.card;
    try { sessionStorage.setItem(key, JSON.stringify(first)); } catch { /* ignore */ }
  }
  if (first.id === view.card.id) return { round: view.card, fired: null };
  return { round: first, fired: view.card };
}

export function cardsElement(app, view, { big = false } = {}) {
  const { round, fired } = roundCards(app, view);
  if (!fired) return cardElement(round, { big });
  return h("div", { class: "cards-row" },
    cardElement(round, { big, label: _("This round") }),
    cardElement(fired, { big, label: _("Just now"), fired: true }));
}

export function createEventPanel(app) {
  const cardBox = h("div", {});
  const prompts = h("div", { class: "prompts" });
  const el = h("section", { class: "panel", id: "event", "aria-labelledby": "event-h" },
    h("h2", { id: "event-h", text: _("Event") }), cardBox, prompts);

  function update(store) {
    const v = store.view;
    if (!v) return;
    const mine = (v.me && v.me.prompts) || [];
    const legal = store.legalActions("respond_prompt");
    if (!changed(el, [v.card, v.round, mine, legal])) return;
    fill(cardBox, cardsElement(app, v));
    // Open prompts, and the answers given to this round's cards; older ones go.
    const { round, fired } = roundCards(app, v);
    const current = new Set([round, fired].filter(Boolean).map((c) => c.title));
    const ordered = [...mine.filter((p) => p.status === "open"),
      ...mine.filter((p) => p.status !== "open" && current.has(p.card)).reverse().slice(0, 2)];
    const items = ordered.map((p) => {
      const cardId = (v.card && v.card.title === p.card) ? v.card.id : promptCardId(p);
      const optLabel = (o) => (cardId ? sc(`cards.${cardId}.options.${o.id}`, o.label) : o.label);
      const options = p.options.map((o) => {
        const can = legal.some((a) => a.prompt === p.id && a.option === o.id);
        const chosen = p.answer === o.id;
        if (p.status === "open") {
          return can ? h("button", { type: "button", class: "btn", text: optLabel(o),
            on: { click: () => app.act({ type: "respond_prompt", prompt: p.id, option: o.id }, _("Answer sent.")) } })
            : h("li", { text: optLabel(o) + (o.id === p.default ? ` ${_("(default)")}` : "") });
        }
        return h("li", { class: chosen ? "chosen" : "muted", text: `${chosen ? "✓ " : ""}${optLabel(o)}` });
      });
      const open = p.status === "open";
      const def = p.options.find((o) => o.id === p.default);
      return h("div", { class: `prompt${open ? " prompt-open" : ""}`, "data-testid": "prompt" },
        h("h3", { text: cardId ? sc(`cards.${cardId}.title`, p.card) : p.card }),
        h("p", { text: cardId ? sc(`cards.${cardId}.prompt`, p.text) : p.text }),
        open && options.some((x) => x.tagName === "BUTTON")
          ? h("div", { class: "btn-row" }, options)
          : h("ul", { class: "plain" }, options),
        h("p", { class: "muted small", text: open
          ? fmt(_("No answer by the end of negotiation means the default: %(option)s."), { option: def ? optLabel(def) : "" })
          : p.status === "defaulted" ? _("Answered by default.") : _("Answered.") }));
    });
    fill(prompts, items.length ? [h("h3", { class: "sub" }, _("Your response"), tip("prompt")), items] : null);
  }
  return { el, update };
}
