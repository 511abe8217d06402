// A small editor for repeated lines of inputs (market orders, stockpile moves, controls…).
import { h, select, setOptions, field, num } from "../dom.js";
import { _ } from "../i18n.js";

/**
 * createLines({columns, addLabel, testid, options})
 * columns: [{key, label, kind: "select"|"number", options?: () => [...], value?: default}]
 * Returns {el, values(), clear(), refresh()}: values() gives one object per line.
 */
export function createLines({ columns, addLabel = "Add line", testid = "", max = 40 }) {
  const list = h("div", { class: "lines" });
  const lines = [];
  const add = h("button", { type: "button", class: "btn btn-small", text: addLabel,
    "data-testid": testid ? `${testid}-add` : null, on: { click: () => addLine() } });
  const el = h("div", { class: "lines-editor", "data-testid": testid || null }, list, add);

  function addLine(values = {}) {
    if (lines.length >= max) return null;
    const inputs = {};
    const cells = columns.map((c) => {
      let input;
      if (c.kind === "select") {
        input = select({ "data-field": c.key }, c.options(), values[c.key] ?? c.value);
      } else {
        input = num({ "data-field": c.key, value: values[c.key] ?? c.value ?? "", min: c.min ?? 0, max: c.max });
      }
      inputs[c.key] = input;
      return field(c.label, input);
    });
    const line = { inputs, el: null };
    line.el = h("div", { class: "line" }, cells, h("button", { type: "button", class: "btn btn-quiet btn-small",
      "aria-label": _("Remove line"), text: "✕", on: { click: () => {
        const i = lines.indexOf(line);
        if (i >= 0) lines.splice(i, 1);
        line.el.remove();
      } } }));
    lines.push(line);
    list.appendChild(line.el);
    return line;
  }

  function values() {
    return lines.map((line) => {
      const out = {};
      for (const c of columns) {
        const raw = line.inputs[c.key].value;
        out[c.key] = c.kind === "number" ? (raw === "" ? 0 : Math.trunc(Number(raw))) : raw;
      }
      return out;
    });
  }

  function clear() {
    lines.splice(0).forEach((l) => l.el.remove());
  }

  function refresh() {
    for (const line of lines) {
      for (const c of columns) if (c.kind === "select") setOptions(line.inputs[c.key], c.options());
    }
  }

  return { el, values, clear, refresh, addLine, count: () => lines.length };
}
