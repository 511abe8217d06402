// The feed of what happened (events addressed to this viewer), newest first.
import { h, fill, changed } from "../dom.js";

export function createFeed(app, { title = "What happened", limit = 40, kinds = null, testid = "feed" } = {}) {
  const list = h("ol", { class: "feed", "data-testid": testid });
  const el = h("section", { class: "panel", "aria-labelledby": `${testid}-h` },
    h("h2", { id: `${testid}-h`, text: title }), list);

  function update(store) {
    let events = store.events;
    if (kinds) events = events.filter((e) => kinds.includes(e.kind));
    const shown = events.slice(-limit).reverse();
    if (!changed(el, shown.map((e) => [e.seq, e.kind, e.text]))) return;
    fill(list, shown.length ? shown.map((e) => h("li", { class: `ev ev-${e.kind}` },
      h("span", { class: "ev-kind", text: e.kind.replace(/_/g, " ") }), " ", h("span", { text: e.text })))
      : h("li", { class: "muted empty", text: "Events appear here as they happen." }));
  }
  return { el, update };
}
