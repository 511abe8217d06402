// The feed of what happened (events addressed to this viewer), newest first, in the page's
// language with countries by name (the engine's own texts use seat codes and ids).
import { h, fill, changed } from "../dom.js";
import { eventText, EVENT_KINDS } from "../format.js";
import { _ } from "../i18n.js";

export function createFeed(app, { title = _("What happened"), limit = 40, kinds = null, testid = "feed" } = {}) {
  const list = h("ol", { class: "feed", "data-testid": testid });
  const el = h("section", { class: "panel", "aria-labelledby": `${testid}-h` },
    h("h2", { id: `${testid}-h`, text: title }), list);

  function update(store) {
    let events = store.events;
    if (kinds) events = events.filter((e) => kinds.includes(e.kind));
    const shown = events.slice(-limit).reverse();
    const v = store.view;
    if (!changed(el, [shown.map((e) => [e.seq, e.kind, e.text]), v ? Object.keys(v.seats) : null])) return;
    fill(list, shown.length ? shown.map((e) => h("li", { class: `ev ev-${e.kind}` },
      h("span", { class: "ev-kind", text: EVENT_KINDS[e.kind] || _("news") }), " ", h("span", { text: eventText(v, e) })))
      : h("li", { class: "muted empty", text: _("Events appear here as they happen.") }));
  }
  return { el, update };
}
