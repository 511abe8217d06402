// The facilitator's console: controls (start, pause/resume, advance, rewind, timer, end),
// cards (preview, fire from the deck or written on the spot), seats (human ↔ bot),
// people (mute, remove), announcements, settings, fork, links and exports; and every
// seat's private panel and every open proposal.
import { h, fill, changed, select, setOptions, field, num } from "../dom.js";
import { seatName, PHASES } from "../format.js";
import { seatDetails } from "./delegation.js";
import { dealElement } from "./deals.js";
import { qrElement } from "./board.js";
import { _, fmt, sc, promptCardId } from "../i18n.js";

const STRATEGIES = ["cooperative", "hawk", "passive"];
const STRATEGY_LABELS = { cooperative: _("Computer: cooperative"), hawk: _("Computer: tough"), passive: _("Computer: quiet") };
const controllerLabel = (c) => (c === "human" ? _("People") : c === "bot" ? _("Computer") : STRATEGY_LABELS[String(c).replace(/^bot:/, "")] || c);

export function createShare(app) {
  const links = app.cfg.links;
  const copy = (text) => h("button", { type: "button", class: "btn btn-small", text: _("Copy"),
    on: { click: async () => { try { await navigator.clipboard.writeText(text); app.toast(_("Copied.")); } catch { app.toast(text); } } } });
  const row = (label, url, testid) => h("li", {}, h("span", { class: "field-label", text: label }), " ",
    h("a", { href: url, target: "_blank", rel: "noopener", text: url, "data-testid": testid }), " ", copy(url));
  const ex = app.cfg.exports || {};
  const warn = links.local_only ? h("p", { class: "warn-box", "data-testid": "local-only", role: "note" },
    _("These links use this computer's own address: phones cannot open them. Stop the server and start it with “make class”, which prints the address for the classroom's network.")) : null;
  const el = h("section", { class: "panel share", id: "share", "aria-labelledby": "share-h" },
    h("h2", { id: "share-h", text: _("Share with the class") }),
    warn,
    h("div", { class: "share-grid" }, qrElement(),
      h("div", { class: "share-text" },
        h("p", { class: "join-code" }, h("span", { text: _("Join code") }), " ", h("strong", { class: "code big-code", "data-testid": "join-code", text: app.cfg.code })),
        h("ul", { class: "plain links" },
          row(_("Students join:"), links.join, "join-link"),
          row(_("Projector:"), links.watch, "watch-link")))),
    h("p", { class: "small" }, h("strong", { text: _("Downloads:") }), " ",
      Object.entries(ex).map(([name, url], i) => [i ? " · " : "", h("a", { href: url, text: name, download: "" })])));
  return { el, update() {} };
}

export function createControls(app) {
  const out = h("div", { class: "control-result", "aria-live": "polite", "data-testid": "control-result" });
  const b = (label, op, { testid, payload, confirmText, cls = "btn" } = {}) => h("button", { type: "button", class: cls, text: label,
    "data-op": op, "data-testid": testid || `ctl-${op}`,
    on: { click: () => {
      if (confirmText && !confirm(confirmText)) return;
      app.control(op, payload ? payload() : {}, fmt(_("%(what)s: done."), { what: label }));
    } } });
  const v = () => app.store.view;
  const start = b(_("Start game"), "start", { cls: "btn btn-primary" });
  const pause = b(_("Pause"), "pause");
  const resume = b(_("Resume"), "resume", { cls: "btn btn-primary" });
  const advance = b(_("End phase now"), "advance", { payload: () => ({ round: v().round, phase: v().phase }) });
  const rewind = b(_("Rewind phase"), "rewind", { confirmText: _("Undo every action since this phase began?") });
  const end = b(_("End game"), "end", { confirmText: _("End the game now and go to the debrief?"), cls: "btn btn-danger" });
  const ext = (s, label) => h("button", { type: "button", class: "btn btn-small", text: label, "data-testid": `extend-${s}`,
    on: { click: () => app.control("extend", { seconds: s }, s > 0 ? _("Timer extended.") : _("Timer shortened.")) } });
  const timer = h("div", { class: "btn-row" }, h("span", { class: "field-label", text: _("Timer") }),
    ext(-60, _("−1 min")), ext(60, _("+1 min")), ext(300, _("+5 min")));
  const status = h("p", { class: "muted small" });
  const el = h("section", { class: "panel controls", id: "controls", "aria-labelledby": "controls-h", "data-testid": "controls" },
    h("h2", { id: "controls-h", text: _("Run the game") }), status,
    h("div", { class: "btn-row" }, start, pause, resume, advance, rewind, end), timer, out);

  function update(store) {
    const has = (type) => store.legalActions(type).length > 0;
    start.hidden = !has("start");
    pause.hidden = !has("pause");
    resume.hidden = !has("resume");
    advance.hidden = !has("advance");
    rewind.hidden = !has("rewind");
    end.hidden = !has("end_game");
    const c = store.clock;
    timer.hidden = !(c && (c.status === "running" || c.status === "paused"));
    const view = store.view;
    if (view) {
      const seats = Object.values(view.seats);
      const humans = seats.filter((s) => s.controller === "human");
      const ready = humans.filter((s) => s.ready).length;
      const submitted = seats.filter((s) => s.submitted).length;
      status.textContent = view.phase === "lobby" ? _("The game has not started. Share the code, then start.")
        : view.phase === "ended" ? _("The game is over: the debrief is below.")
          : view.phase === "orders" ? fmt(_("%(phase)s: %(ready)s of %(humans)s countries played by people are ready, %(submitted)s of %(seats)s orders in."), { phase: PHASES[view.phase], ready, humans: humans.length, submitted, seats: seats.length })
            : fmt(_("%(phase)s: %(ready)s of %(humans)s countries played by people are ready."), { phase: PHASES[view.phase], ready, humans: humans.length });
    }
  }
  return { el, update };
}

export function createCards(app) {
  const preview = h("div", { class: "preview", "data-testid": "preview" });
  const deck = select({ "aria-label": _("Card from the deck"), "data-testid": "deck-select" }, []);
  const title = h("input", { type: "text", maxlength: "120", placeholder: _("Title") });
  const text = h("textarea", { rows: "3", maxlength: "1000", placeholder: _("What happens (read out to the room)") });
  const fireDeck = h("button", { type: "button", class: "btn", text: _("Fire this card now"),
    on: { click: () => { if (deck.value) app.control("fire_card", { card_id: deck.value }, _("Card fired.")); } } });
  const custom = h("form", { class: "stack", novalidate: true, on: { submit: (e) => {
    e.preventDefault();
    if (!title.value.trim()) { app.toast(_("Give the card a title.")); return; }
    app.control("fire_card", { title: title.value.trim(), text: text.value.trim() }, _("Card fired.")).then((ok) => {
      if (ok) { title.value = ""; text.value = ""; }
    });
  } } }, field(_("Title"), title), field(_("Text"), text), h("button", { type: "submit", class: "btn", text: _("Fire written card") }));
  const fireBox = h("div", {}, h("div", { class: "row" }, field(_("From the deck"), deck), fireDeck),
    h("details", {}, h("summary", { text: _("Write a card on the spot") }), custom));
  const closed = h("p", { class: "muted small", text: _("Cards can be fired during negotiation.") });
  const el = h("section", { class: "panel", id: "cards", "aria-labelledby": "cards-h" },
    h("h2", { id: "cards-h", text: _("Event cards") }),
    h("div", { class: "btn-row" }, h("button", { type: "button", class: "btn", text: _("Preview next card"), "data-testid": "preview-card",
      on: { click: async () => {
        const r = await app.control("preview_card", {});
        if (!r) return;
        const card = r.result && r.result.card;
        fill(preview, card ? h("article", { class: "card" }, h("h3", { class: "card-title", text: card.id ? sc(`cards.${card.id}.title`, card.title) : card.title }),
          h("p", { class: "card-text", text: card.id ? sc(`cards.${card.id}.text`, card.text) : card.text }))
          : h("p", { class: "muted", text: _("The deck is empty.") }));
      } } })),
    preview, closed, fireBox);

  function update(store) {
    const v = store.view;
    if (!v) return;
    const can = store.can("fire_card");
    fireBox.hidden = !can;
    closed.hidden = can;
    // deck_cards (the server adds titles to the facilitator's view); ids alone as a fallback.
    const cards = v.deck_cards || (v.deck || []).map((id) => ({ id, title: id.replace(/_/g, " ") }));
    setOptions(deck, cards.map((c) => ({ value: c.id, label: sc(`cards.${c.id}.title`, c.title) })));
  }
  return { el, update };
}

const isBriefed = (p) => p.briefed !== null && p.briefed !== undefined;

/** A person's briefing and quiz, as the server recorded them: not started, the quiz under
 * way (how many right so far, how many wrong tries), or briefed with the quiz passed (how
 * many right at the first try). */
function briefedPill(p) {
  const q = p.quiz;
  if (!isBriefed(p)) {
    if (!q) return h("span", { class: "pill", "data-testid": "not-briefed", text: _("not briefed yet") });
    return h("span", { class: "pill", "data-testid": "quiz-progress", title: _("the briefing quiz, answer by answer"),
      text: fmt(_("✎ quiz: %(right)s of %(of)s right, %(wrong)s wrong tries"), { right: q.right, of: q.of, wrong: q.wrong }) });
  }
  if (q && q.passed) {
    return h("span", { class: "pill ok", "data-testid": "is-briefed", title: _("quiz questions right at the first try"),
      text: fmt(_("✓ briefed, quiz passed (%(n)s/%(of)s first try)"), { n: p.briefed, of: q.of }) });
  }
  return h("span", { class: "pill ok", "data-testid": "is-briefed", title: _("quiz questions right at the first try"),
    text: fmt(_("✓ briefed (%(n)s/3 first try)"), { n: p.briefed }) });
}

/** Before round 1 a country is ready when its people are briefed (the game's own
 * "ready" starts with round 1). */
function seatReady(v, pub, people) {
  if (v.phase !== "lobby") return pub.ready ? `✓ ${_("ready")}` : "—";
  const active = people.filter((p) => !p.revoked);
  const briefed = active.filter(isBriefed).length;
  if (!active.length || !briefed) return "—";
  return briefed === active.length ? `✓ ${_("briefed")}` : fmt(_("%(n)s of %(m)s briefed"), { n: briefed, m: active.length });
}

export function createSeats(app) {
  const body = h("div", {});
  const refresh = h("button", { type: "button", class: "btn btn-small", text: _("Refresh people"), on: { click: () => app.loadRoster() } });
  const el = h("section", { class: "panel", id: "seats", "aria-labelledby": "seats-h", "data-testid": "seats" },
    h("h2", { id: "seats-h", text: _("Countries and people") }), refresh, body);

  function update(store) {
    const v = store.view;
    if (!v) return;
    const players = (store.roster || []);
    const canSwap = store.can("set_controller");
    if (!changed(el, [v.phase, Object.entries(v.seats).map(([id, s]) => [id, s.controller, s.ready, s.submitted]),
      v.private && Object.fromEntries(Object.entries(v.private).map(([k, p]) => [k, p.controller])), players, canSwap])) return;
    const rows = Object.keys(v.seats).map((id) => {
      const pub = v.seats[id];
      const ctl = (v.private && v.private[id] && v.private[id].controller) || pub.controller;
      const choice = select({ "aria-label": fmt(_("Who plays %(seat)s"), { seat: seatName(v, id) }) }, [{ value: "human", label: _("People") },
        ...STRATEGIES.map((s) => ({ value: `bot:${s}`, label: STRATEGY_LABELS[s] }))], ctl);
      const apply = h("button", { type: "button", class: "btn btn-small", text: _("Set"), "aria-label": fmt(_("Set who plays %(seat)s"), { seat: seatName(v, id) }),
        on: { click: () => app.control("swap", { seat: id, controller: choice.value }, fmt(_("%(seat)s: %(who)s."), { seat: seatName(v, id), who: controllerLabel(choice.value) })) } });
      const people = players.filter((p) => p.seat === id);
      return h("tr", { "data-seat": id },
        h("th", { scope: "row" }, h("span", { text: seatName(v, id) })),
        h("td", {}, canSwap ? h("span", { class: "row tight" }, choice, apply) : controllerLabel(ctl)),
        h("td", { "data-testid": "seat-ready", text: seatReady(v, pub, people) }),
        h("td", { text: pub.submitted ? `✓ ${_("in")}` : "—" }),
        h("td", {}, people.length ? h("ul", { class: "plain" }, people.map((p) => h("li", { class: p.revoked ? "muted" : "" },
          h("span", { text: `${p.name}${p.revoked ? ` ${_("(removed)")}` : ""}${p.muted ? ` ${_("(muted)")}` : ""}` }), " ",
          p.revoked ? null : briefedPill(p), " ",
          p.revoked ? null : h("button", { type: "button", class: "btn btn-quiet btn-small", text: p.muted ? _("Unmute") : _("Mute"), "aria-label": fmt(p.muted ? _("Unmute %(name)s") : _("Mute %(name)s"), { name: p.name }),
            on: { click: async () => { if (await app.control(p.muted ? "unmute" : "mute", { player: p.id }, p.muted ? _("Unmuted.") : _("Muted."))) app.loadRoster(); } } }),
          p.revoked ? null : h("button", { type: "button", class: "btn btn-quiet btn-small", text: _("Remove"), "aria-label": fmt(_("Remove %(name)s"), { name: p.name }),
            on: { click: async () => {
              if (!confirm(fmt(_("Remove %(name)s from the game? Their link stops working."), { name: p.name }))) return;
              if (await app.control("remove", { player: p.id }, _("Removed."))) app.loadRoster();
            } } }))))
          : h("span", { class: "muted", text: pub.controller === "bot" ? _("the computer") : _("nobody yet") })));
    });
    const people = players.filter((p) => !p.revoked);
    const briefed = people.filter(isBriefed).length;
    fill(body, people.length ? h("p", { class: briefed === people.length ? "ok-line" : "muted", "data-testid": "briefed-count",
      text: fmt(_("Briefed and ready: %(n)s of %(m)s people."), { n: briefed, m: people.length }) }) : null,
    h("div", { class: "table-wrap" }, h("table", { class: "data" },
      h("thead", {}, h("tr", {}, [_("Country"), _("Played by"), _("Ready"), _("Orders"), _("People")].map((x) => h("th", { scope: "col", text: x })))),
      h("tbody", {}, rows))));
  }
  return { el, update };
}

export function createPrivatePanels(app) {
  const body = h("div", { class: "private-grid" });
  const open = new Set();
  const el = h("section", { class: "panel", id: "private", "aria-labelledby": "private-h", "data-testid": "private-panels" },
    h("h2", { id: "private-h", text: _("Delegations (private)") }), body);
  function update(store) {
    const v = store.view;
    if (!v || !v.private || !changed(el, [v.private, v.seats])) return;
    fill(body, Object.keys(v.private).map((id) => {
      const p = v.private[id];
      const d = h("details", { class: "seat-panel", "data-seat": id, open: open.has(id) },
        h("summary", {}, h("strong", { text: seatName(v, id) }),
          h("span", { class: "muted", text: ` · ${controllerLabel(p.controller)}${p.orders ? ` · ${_("orders in")}` : ""}${(p.prompts || []).some((x) => x.status === "open") ? ` · ${_("event question open")}` : ""}` })),
        seatDetails(v, id, p),
        (p.prompts || []).length ? h("ul", { class: "plain small" }, p.prompts.map((q) => {
          const cid = promptCardId(q);
          const label = (id) => { const o = q.options.find((x) => x.id === id); return cid ? sc(`cards.${cid}.options.${id}`, o ? o.label : id) : (o ? o.label : id); };
          return h("li", { text: `${cid ? sc(`cards.${cid}.title`, q.card) : q.card}: ${q.status === "open" ? _("not answered yet") : q.answer ? label(q.answer) : _("answered")}` });
        })) : null,
        p.orders ? h("pre", { class: "small orders-json", text: JSON.stringify(p.orders, null, 1) }) : null);
      d.addEventListener("toggle", () => { if (d.open) open.add(id); else open.delete(id); });
      return d;
    }));
  }
  return { el, update };
}

export function createAllProposals(app) {
  const list = h("ul", { class: "deals", "data-testid": "all-proposals" });
  const el = h("section", { class: "panel", id: "proposals", "aria-labelledby": "proposals-h" },
    h("h2", { id: "proposals-h", text: _("Open offers (only their two countries see them)") }), list);
  function update(store) {
    const v = store.view;
    if (!v) return;
    const open = (v.proposals || []).filter((d) => d.status === "proposed");
    if (!changed(el, [open, v.seats && Object.keys(v.seats)])) return;
    fill(list, open.length ? open.map((d) => dealElement(v, d, { extra: h("p", { class: "muted small",
      text: fmt(_("from %(from)s to %(to)s"), { from: seatName(v, d.proposer), to: seatName(v, d.recipient) }) }) }))
      : h("li", { class: "muted empty", text: _("No open offers.") }));
  }
  return { el, update };
}

export function createTable(app) {
  // settings, fork, announcements
  const school = h("input", { type: "checkbox", "data-testid": "school-mode" });
  const advisor = h("input", { type: "checkbox", "data-testid": "advisor-setting" });
  const delay = num({ min: 0, max: 600, value: 0 });
  const announce = h("input", { type: "text", maxlength: "1000", placeholder: _("Announcement to everyone"), "data-testid": "announce-text" });
  const forkRound = select({ "aria-label": _("Round to replay from") }, []);
  const forkOut = h("p", { class: "small", "aria-live": "polite" });
  const el = h("section", { class: "panel", id: "table", "aria-labelledby": "table-h" },
    h("h2", { id: "table-h", text: _("Announce, settings, replay") }),
    h("form", { class: "row", novalidate: true, on: { submit: async (e) => {
      e.preventDefault();
      const text = announce.value.trim();
      if (text && await app.control("announce", { text }, _("Announced."))) announce.value = "";
    } } }, field(_("Announcement"), announce), h("button", { type: "submit", class: "btn", text: _("Announce") })),
    h("div", { class: "row" },
      h("label", { class: "check" }, school, ` ${_("School mode (no free chat)")}`),
      h("label", { class: "check" }, advisor, ` ${_("Advisor (countries may ask for advice; you see every use)")}`),
      field(_("Projector delay (seconds)"), delay),
      h("button", { type: "button", class: "btn btn-small", text: _("Save settings"), on: { click: async () => {
        const r = await app.control("settings",
          { settings: { school_mode: school.checked, advisor: advisor.checked,
            spectator_delay: Math.trunc(Number(delay.value) || 0) } }, _("Settings saved."));
        if (r) touched = false;
      } } })),
    h("div", { class: "row" }, field(_("Replay as a new game from the start of round"), forkRound),
      h("button", { type: "button", class: "btn btn-small", text: _("Make the replay game"), on: { click: async () => {
        const r = await app.control("fork", { round: Number(forkRound.value) }, _("Replay game made."));
        if (r && r.result) {
          const url = `/g/${encodeURIComponent(r.result.game)}/facilitate/`;
          fill(forkOut, `${_("New game")} `, h("strong", { class: "code", text: r.result.game }), ": ", h("a", { href: url, text: _("open its console") }));
        }
      } } })), forkOut);
  let touched = false;
  school.addEventListener("change", () => { touched = true; });
  advisor.addEventListener("change", () => { touched = true; });
  delay.addEventListener("input", () => { touched = true; });
  function update(store) {
    const v = store.view;
    if (!touched) {
      school.checked = !!store.settings.school_mode;
      advisor.checked = !!store.settings.advisor;
      delay.value = String(store.settings.spectator_delay || 0);
    }
    if (v) {
      const begun = Math.max(0, v.round);
      setOptions(forkRound, Array.from({ length: begun }, (unused, i) => ({ value: String(i + 1), label: fmt(_("round %(n)s"), { n: i + 1 }) })));
      forkRound.parentElement.parentElement.hidden = begun === 0;
    }
  }
  return { el, update };
}
