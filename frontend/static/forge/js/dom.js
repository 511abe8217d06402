// Building DOM without HTML strings: every server string goes in as text, never markup.

/**
 * h("button", {class: "btn", on: {click: fn}, dataset: {id: "D3"}}, "Accept")
 * Attributes: class, text, on (event map), dataset, style (object), and any other
 * attribute set with setAttribute (booleans: true sets it, false/null/undefined skips it).
 * Children: nodes, strings/numbers (as text nodes), arrays (flattened), null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key === "value" && "value" in el) el.value = value;
    else if (key === "checked" || key === "selected" || key === "disabled" || key === "hidden") el[key] = !!value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  return el;
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A <select> with options [{value, label}] (or plain strings); keeps `selected` if present. */
export function select(attrs, options, selected) {
  const el = h("select", attrs);
  setOptions(el, options, selected);
  return el;
}

/** Re-fill a select's options without losing the current choice when it still exists. */
export function setOptions(el, options, selected) {
  const keep = selected !== undefined ? String(selected) : el.value;
  const norm = options.map((o) => (typeof o === "object" ? o : { value: o, label: o }));
  const sig = JSON.stringify(norm);
  if (el.dataset.sig !== sig) {
    el.replaceChildren(...norm.map((o) => h("option", { value: o.value, text: o.label })));
    el.dataset.sig = sig;
  }
  if (norm.some((o) => String(o.value) === keep)) el.value = keep;
  return el;
}

/** A labelled field: <label><span>text</span> control</label>; `extra` (a "?" tip) after the label. */
let fieldCount = 0;
export function field(label, control, hint, extra = null) {
  if (!extra) {
    return h("label", { class: "field" }, h("span", { class: "field-label", text: label }), control,
      hint ? h("small", { class: "hint", text: hint }) : null);
  }
  // A "?" tip is a button: it must not sit inside the <label>, whose control it would become.
  fieldCount += 1;
  if (!control.id) control.id = `fld-${fieldCount}`;
  return h("div", { class: "field" }, h("span", { class: "field-head" },
    h("label", { class: "field-label", for: control.id, text: label }), extra), control,
  hint ? h("small", { class: "hint", text: hint }) : null);
}

export function num(attrs = {}) {
  return h("input", { type: "number", inputmode: "numeric", step: "1", ...attrs });
}

/** Render only when the data a panel shows has changed (cheap JSON key). */
export function changed(holder, data) {
  const key = JSON.stringify(data);
  if (holder.__key === key) return false;
  holder.__key = key;
  return true;
}

export function byId(id) {
  return document.getElementById(id);
}
