// The round's event card and, for a seat, the prompts it must answer.
import { h, fill, changed } from "../dom.js";

export function cardElement(card, { big = false } = {}) {
  if (!card) return h("p", { class: "muted", text: "No card yet: the first card is revealed when the game starts." });
  return h("article", { class: `card${big ? " card-big" : ""}`, "data-testid": "card" },
    h("h3", { class: "card-title", text: card.title }),
    card.text ? h("p", { class: "card-text", text: card.text }) : null);
}

export function createEventPanel(app) {
  const cardBox = h("div", {});
  const prompts = h("div", { class: "prompts" });
  const el = h("section", { class: "panel", id: "event", "aria-labelledby": "event-h" },
    h("h2", { id: "event-h", text: "Event" }), cardBox, prompts);

  function update(store) {
    const v = store.view;
    if (!v) return;
    const mine = (v.me && v.me.prompts) || [];
    const legal = store.legalActions("respond_prompt");
    if (!changed(el, [v.card, mine, legal])) return;
    fill(cardBox, cardElement(v.card));
    const ordered = [...mine.filter((p) => p.status === "open"),
      ...mine.filter((p) => p.status !== "open").reverse().slice(0, 2)];
    const items = ordered.map((p) => {
        const options = p.options.map((o) => {
          const can = legal.some((a) => a.prompt === p.id && a.option === o.id);
          const chosen = p.answer === o.id;
          if (p.status === "open") {
            return can ? h("button", { type: "button", class: "btn", text: o.label,
              on: { click: () => app.act({ type: "respond_prompt", prompt: p.id, option: o.id }) } })
              : h("li", { text: o.label + (o.id === p.default ? " (default)" : "") });
          }
          return h("li", { class: chosen ? "chosen" : "muted", text: `${chosen ? "✓ " : ""}${o.label}` });
        });
        const open = p.status === "open";
        return h("div", { class: `prompt${open ? " prompt-open" : ""}`, "data-testid": "prompt" },
          h("h3", { text: p.card }),
          h("p", { text: p.text }),
          open && options.some((x) => x.tagName === "BUTTON")
            ? h("div", { class: "btn-row" }, options)
            : h("ul", { class: "plain" }, options),
          h("p", { class: "muted small", text: open
            ? `No answer by the end of negotiation means the default: ${(p.options.find((o) => o.id === p.default) || {}).label || p.default}.`
            : p.status === "defaulted" ? "Answered by default." : "Answered." }));
      });
    fill(prompts, items.length ? [h("h3", { class: "sub", text: "Your response" }), items] : null);
  }
  return { el, update };
}
