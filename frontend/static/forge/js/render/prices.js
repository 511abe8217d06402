// The prices a delegation negotiates with: for every mineral and form, the reference price
// and the last market price ("no trade" when nothing traded), from round 1 on.
import { h } from "../dom.js";
import { mineralName, money, priceInfo } from "../format.js";
import { _, fmt, tip } from "../i18n.js";

export function priceTable(view, { testid = "price-table", caption = _("Prices now ($ million per lot)") } = {}) {
  if (!view || !view.minerals) return null;
  const rows = [];
  for (const m of view.minerals) {
    for (const form of ["ore", "refined"]) {
      const p = priceInfo(view, m.id, form);
      rows.push(h("tr", {},
        h("th", { scope: "row", text: `${mineralName(view, m.id)} ${form === "ore" ? _("ore") : _("refined")}` }),
        h("td", { text: money(p.ref) }),
        h("td", { text: p.last === null ? (p.traded ? _("no trade") : _("not traded yet"))
          : p.noTrade ? fmt(_("no trade (last traded %(price)s)"), { price: money(p.last) }) : money(p.last) })));
    }
  }
  return h("div", { class: "table-wrap" }, h("table", { class: "data prices-now", "data-testid": testid },
    h("caption", {}, caption, tip("reference_price")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: _("Market") }),
      h("th", { scope: "col", text: _("Reference") }), h("th", { scope: "col", text: _("Last round") }))),
    h("tbody", {}, rows)));
}
