// Chat: the plenary, the facilitator's announcements, and a private room per pair of seats
// (a seat sees its own pairs; the facilitator sees all). School mode turns free chat off.
import { h, fill, changed } from "../dom.js";
import { seatName } from "../format.js";
import { _, fmt } from "../i18n.js";

export const PLENARY = "plenary";
export const ANNOUNCE = "announce";

export function pairRoom(a, b) {
  const [x, y] = [a, b].sort();
  return `pair:${x}|${y}`;
}

function roomSeats(room) {
  if (!room.startsWith("pair:")) return null;
  const parts = room.slice(5).split("|");
  return parts.length === 2 ? parts : null;
}

function timeText(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
}

export function messageElement(view, m, { buttons = [] } = {}) {
  const who = m.sender === "facilitator" ? _("Facilitator") : `${m.name} (${seatName(view, m.sender) || m.sender})`;
  return h("li", { class: `msg${m.hidden ? " msg-hidden" : ""}${m.room === ANNOUNCE ? " msg-announce" : ""}`, "data-id": m.id },
    h("span", { class: "msg-meta" }, h("strong", { text: who }), " ", h("time", { datetime: m.created, text: timeText(m.created) })),
    h("span", { class: "msg-text", text: m.text }),
    m.hidden ? h("span", { class: "pill", text: _("hidden") }) : null,
    buttons.length ? h("span", { class: "msg-actions" }, buttons) : null);
}

/**
 * createChatPanel(app, {readOnly}): a room list, the room's messages, a composer.
 */
export function createChatPanel(app, { readOnly = false } = {}) {
  let room = PLENARY;
  const seen = new Map(); // room -> highest id seen
  const tabs = h("div", { class: "room-tabs", role: "tablist", "aria-label": _("Chat rooms") });
  const list = h("ol", { class: "messages", "aria-live": "polite", "data-testid": "messages" });
  const text = h("input", { type: "text", maxlength: "1000", placeholder: _("Message"), "aria-label": _("Message"), "data-testid": "chat-text" });
  const sendBtn = h("button", { type: "submit", class: "btn", text: _("Send") });
  const off = h("p", { class: "muted small", hidden: true, text: _("Free chat is off in school mode: negotiate with structured proposals.") });
  const composer = h("form", { class: "composer", on: { submit: (e) => { e.preventDefault(); post(); } } }, text, sendBtn);
  const el = h("section", { class: "panel chat", id: "chat", "aria-labelledby": "chat-h", "data-testid": "chat" },
    h("h2", { id: "chat-h", text: _("Chat") }), tabs, list, off, readOnly ? null : composer);

  function rooms(store) {
    const v = store.view;
    const out = [PLENARY, ANNOUNCE];
    if (!v) return out;
    const school = !!store.settings.school_mode;
    if (app.role === "player" && !school) {
      const me = app.seat();
      for (const s of Object.keys(v.seats)) if (s !== me) out.push(pairRoom(me, s));
    } else if (app.role === "facilitator") {
      const pairs = new Set();
      for (const m of store.chat.values()) if (m.room.startsWith("pair:")) pairs.add(m.room);
      out.push(...[...pairs].sort());
    }
    return out;
  }

  function roomLabel(store, r) {
    if (r === PLENARY) return _("Plenary");
    if (r === ANNOUNCE) return _("Announcements");
    const seats = roomSeats(r) || [];
    if (app.role === "player") return seatName(store.view, seats.find((s) => s !== app.seat()));
    return seats.map((x) => seatName(store.view, x)).join(" ↔ ");
  }

  async function post() {
    const body = text.value.trim();
    if (!body) return;
    sendBtn.disabled = true;
    let ok;
    if (room === ANNOUNCE && app.role === "facilitator") ok = await app.control("announce", { text: body });
    else ok = await app.send("chat", { room, text: body });
    sendBtn.disabled = false;
    if (ok) text.value = "";
  }

  function update(store) {
    const school = !!store.settings.school_mode;
    // A hidden message is removed for players and the projector (the store drops it when
    // it is pushed again hidden); the facilitator keeps it, greyed, marked "hidden".
    const all = [...store.chat.values()].filter((m) => app.role === "facilitator" || !m.hidden);
    const available = rooms(store);
    if (!available.includes(room)) room = PLENARY;
    const inRoom = all.filter((m) => m.room === room);
    const maxId = inRoom.reduce((a, m) => Math.max(a, m.id), 0);
    seen.set(room, Math.max(seen.get(room) || 0, maxId));
    const unread = {};
    for (const m of all) {
      if (m.room !== room && m.id > (seen.get(m.room) || 0) && m.sender !== app.seat()) unread[m.room] = (unread[m.room] || 0) + 1;
    }
    const canWrite = !readOnly && (app.role === "facilitator" || (!school && room !== ANNOUNCE));
    composer.hidden = !canWrite;
    off.hidden = !(app.role === "player" && school);
    text.placeholder = room === ANNOUNCE ? _("Announcement to everyone") : fmt(_("Message to %(room)s"), { room: roomLabel(store, room) });
    text.setAttribute("aria-label", text.placeholder);
    if (!changed(el, [room, available, inRoom.map((m) => [m.id, m.hidden]), unread, school])) return;
    fill(tabs, available.map((r) => h("button", { type: "button", role: "tab", class: `tab${r === room ? " active" : ""}`,
      "aria-selected": r === room ? "true" : "false", "data-room": r,
      on: { click: () => { room = r; update(app.store); } } },
    roomLabel(store, r), unread[r] ? h("span", { class: "badge", text: String(unread[r]) }) : null)));
    const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
    fill(list, inRoom.length ? inRoom.map((m) => messageElement(store.view, m, { buttons: buttons(m) }))
      : h("li", { class: "muted empty", text: room === ANNOUNCE ? _("No announcements yet.") : _("No messages yet.") }));
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function buttons(m) {
    if (app.role === "facilitator" && !m.hidden) {
      return [h("button", { type: "button", class: "btn btn-quiet btn-small", text: _("Hide"),
        on: { click: async () => { if (await app.control("hide_message", { message: m.id })) { m.hidden = true; app.store.emit(); } } } })];
    }
    if (app.role === "player" && m.sender !== app.seat() && m.sender !== "facilitator") {
      return [h("button", { type: "button", class: "btn btn-quiet btn-small", text: _("Report"), "aria-label": _("Report this message to the facilitator"),
        on: { click: async () => {
          const reason = prompt(_("Tell the facilitator what is wrong with this message (optional):"), "");
          if (reason === null) return;
          if (await app.send("report", { message: m.id, reason })) app.toast(_("Reported to the facilitator."));
        } } })];
    }
    return [];
  }

  return { el, update };
}
