// Entry point of the three consoles (player, spectator, facilitator). The page holds no
// rules: it renders the view the server sends, shows the buttons the server's legal
// actions allow, and sends what the person chose.
import { h, byId } from "./dom.js";
import { Connection } from "./socket.js";
import { Store } from "./store.js";
import { toast, errorToast } from "./toast.js";
import { createHeader } from "./render/header.js";
import { createDelegationPanel } from "./render/delegation.js";
import { createEventPanel } from "./render/event.js";
import { createDealsPanel } from "./render/deals.js";
import { createForgePanel } from "./render/forge.js";
import { createOrdersForm } from "./forms/orders_form.js";
import { createChatPanel } from "./render/chat.js";
import { createReportsPanel } from "./render/reports.js";
import { createPriceCharts } from "./render/charts.js";
import { createFeed } from "./render/feed.js";
import { createDebrief } from "./render/debrief.js";
import { createBriefing } from "./render/briefing.js";
import { createAdvisorPanel } from "./render/advisor.js";
import { createCardPanel, createForgeBoard, createSignedDeals, createHeadline, createAnnouncements } from "./render/board.js";
import { createNotifier } from "./render/notify.js";
import { createJoinPanel } from "./render/board.js";
import { _ } from "./i18n.js";
import { createShare, createControls, createCards, createSeats, createPrivatePanels, createAllProposals, createTable } from "./render/facilitator.js";

// Facilitator controls that are engine actions: the server deduplicates them by id, so they
// may be sent again after a reconnect. The others (timer, people, settings…) may not.
const ENGINE_OPS = new Set(["start", "pause", "resume", "advance", "rewind", "end", "swap", "set_controller", "fire_card"]);
// Controls that only read, so a repeat does no harm.
const SAFE_OPS = new Set(["roster", "preview_card"]);

function readJson(id, fallback) {
  const el = byId(id);
  if (!el) return fallback;
  try {
    return JSON.parse(el.textContent);
  } catch {
    return fallback;
  }
}

export function boot() {
  const cfg = {
    role: readJson("forge-role", "spectator"),
    code: readJson("forge-code", ""),
    links: readJson("forge-links", {}),
    exports: {},
  };
  for (const a of document.querySelectorAll("#forge-exports a")) cfg.exports[a.dataset.name] = a.getAttribute("href");
  const token = readJson("forge-token", null);
  const store = new Store();
  const app = {
    cfg,
    role: cfg.role,
    store,
    toast,
    seat() {
      const v = store.view;
      if (v && v.me) return v.me.seat;
      return (store.welcome && store.welcome.you && store.welcome.you.seat) || null;
    },
  };

  // ---- sending --------------------------------------------------------------------------
  /** Send a request; resolves with the ack, or null after showing the error as a toast. */
  app.send = async (type, payload, { resend = type === "action" || type === "chat", safe = false, ok } = {}) => {
    if (resend && app.conn.state !== "online" && app.conn.state !== "stopped") {
      toast(_("You are offline: this will be sent as soon as the page reconnects."));
    }
    try {
      const ack = await app.conn.request(type, payload, { resend, safe });
      if (ok) toast(ok);
      return ack;
    } catch (err) {
      errorToast(err, store.view);
      return null;
    }
  };
  app.act = (action, ok) => app.send("action", { action }, { resend: true, ok }).then((ack) => {
    if (ack) scheduleLegal(0);
    return ack;
  });
  app.control = (op, payload = {}, ok) => app.send("control", { op, ...payload },
    { resend: ENGINE_OPS.has(op), safe: SAFE_OPS.has(op), ok });
  app.loadRoster = async () => {
    const r = await app.send("control", { op: "roster" }, { resend: false, safe: true });
    if (r && r.result) {
      store.roster = r.result.players;
      store.emit();
    }
  };

  // ---- legal actions (what buttons to show) ---------------------------------------------
  // One request in flight at a time and at most one every LEGAL_GAP ms, so a burst of
  // state pushes (bots acting) does not spend the connection's rate limit.
  const LEGAL_GAP = 400;
  let legalTimer = null;
  let legalBusy = false;
  let legalLast = 0;
  function scheduleLegal(delay = 100) {
    if (app.role === "spectator") return;
    clearTimeout(legalTimer);
    const wait = Math.max(delay, legalLast + LEGAL_GAP - Date.now());
    legalTimer = setTimeout(fetchLegal, wait);
  }
  async function fetchLegal() {
    if (legalBusy || app.conn.state !== "online") return;
    legalBusy = true;
    legalLast = Date.now();
    try {
      const ack = await app.conn.request("legal", {}, { safe: true, timeout: 8000 });
      if (ack && ack.result) store.setLegal(ack.result);
    } catch (err) {
      if (err.code === "rate_limited" || err.code === "timeout") scheduleLegal(1000);
      else if (err.code !== "offline") errorToast(err, store.view);
    } finally {
      legalBusy = false;
    }
    if (store.legal && store.seq !== null && store.legal.seq < store.seq) scheduleLegal(0);
  }

  // ---- receiving ------------------------------------------------------------------------
  function onMessage(msg) {
    switch (msg.type) {
      case "welcome":
        store.welcome = msg;
        if (msg.game && msg.game.settings) store.applySettings(msg.game.settings);
        if (app.role === "facilitator") app.loadRoster();
        break;
      case "state": {
        const applied = store.applyState(msg);
        if (applied === "gap") {
          // A patch on a version this page does not hold: ask for the whole view again.
          app.conn.request("sync", { last_chat: store.lastChat }, { safe: true }).catch(() => {});
        } else if (applied) {
          scheduleLegal();
        }
        break;
      }
      case "clock":
        store.applyClock(msg);
        break;
      case "chat":
        store.applyChat(msg.messages || [], { keepHidden: app.role === "facilitator" });
        break;
      case "roster": // pushed to the facilitator when someone joins, is removed, muted…
        store.roster = msg.players || [];
        store.emit();
        break;
      case "settings": {
        const { type, ...settings } = msg;
        void type;
        store.applySettings(settings);
        break;
      }
      case "notice":
        toast(msg.kind === "removed" ? _("The facilitator removed you from this game.") : msg.message || msg.kind,
          { kind: "error", timeout: 0 });
        break;
      case "error":
        errorToast({ code: msg.code, detail: msg.message, params: msg.params }, store.view);
        break;
      default:
        break;
    }
  }

  app.conn = new Connection({
    path: cfg.links.ws,
    hello: () => {
      // patches: after the first whole view, pushes carry only the parts that changed.
      const p = { role: app.role, last_chat: store.lastChat, patches: true };
      if (store.seq !== null) p.last_seq = store.seq;
      if (token) p.token = token;
      return p;
    },
    onMessage,
    onStatus: (st) => {
      store.connection = st;
      store.emit();
    },
  });

  // ---- layout ---------------------------------------------------------------------------
  const root = byId("app");
  document.body.classList.add(`role-${app.role}`);
  const header = createHeader(app);
  const panels = [header];
  const main = h("main", { class: `layout layout-${app.role}`, id: "main" });
  root.replaceChildren(header.el, main);

  const add = (area, panel) => {
    panels.push(panel);
    const slot = main.querySelector(`[data-area="${area}"]`) || main.appendChild(h("div", { class: `area area-${area}`, "data-area": area }));
    slot.appendChild(panel.el);
    return panel;
  };

  if (app.role === "player") {
    const ready = h("button", { type: "button", class: "btn ready-btn", "data-testid": "ready", hidden: true });
    ready.addEventListener("click", () => {
      const a = store.legalActions("ready")[0];
      if (a) app.act({ type: "ready", ready: a.ready }, a.ready ? _("Marked ready.") : _("No longer ready."));
    });
    header.extra.appendChild(ready);
    panels.push({ update(s) {
      const a = s.legalActions("ready")[0];
      const me = s.view && s.view.me && s.view.seats[s.view.me.seat];
      ready.hidden = !a;
      if (a) {
        ready.textContent = a.ready ? _("I'm ready") : _("Ready ✓ (undo)");
        ready.setAttribute("aria-pressed", me && me.ready ? "true" : "false");
        ready.classList.toggle("is-ready", !!(me && me.ready));
      }
    } });
    const nav = h("nav", { class: "section-nav", "aria-label": _("Sections") },
      [["#event", _("Event")], ["#deals", _("Deals")], ["#orders", _("Orders")], ["#delegation", _("Me")], ["#forge", "FORGE"],
        ["#chat", _("Chat")], ["#reports", _("Reports")]].map(([href, label]) => h("a", { href, text: label })));
    main.before(nav);
    panels.push(createNotifier(app, nav));
    add("top", createBriefing(app));
    add("top", createDebrief(app));
    add("a", createEventPanel(app));
    add("a", createOrdersForm(app));
    add("a", createDealsPanel(app));
    add("b", createAdvisorPanel(app));
    add("b", createDelegationPanel(app));
    add("b", createForgePanel(app));
    add("c", createChatPanel(app));
    add("c", createFeed(app));
    add("wide", createPriceCharts(app, { hideWhenOver: true }));
    add("wide", createReportsPanel(app, { privateFor: () => app.seat() }));
  } else if (app.role === "spectator") {
    add("top", createDebrief(app, { dark: true }));
    add("a", createJoinPanel(app));
    add("a", createCardPanel(app, { big: true }));
    add("a", createAnnouncements(app, { plenary: 2 }));
    add("b", createPriceCharts(app, { dark: true, height: 200, manyHeight: 150, hideWhenOver: true }));
    add("b", createHeadline(app, { paged: true }));
    add("c", createForgeBoard(app, { big: true }));
    add("c", createSignedDeals(app, { limit: 4, compact: true }));
  } else {
    add("top", createControls(app));
    add("top", createShare(app));
    add("debrief", createDebrief(app));
    add("a", createCardPanel(app));
    add("a", createCards(app));
    add("a", createAllProposals(app));
    add("seats", createSeats(app));
    add("b", createPrivatePanels(app));
    add("c", createChatPanel(app));
    add("c", createTable(app));
    add("c", createFeed(app));
    add("d", createSignedDeals(app, { limit: 8 }));
    add("d", createForgeBoard(app));
    add("d", createHeadline(app));
    add("wide", createPriceCharts(app, { hideWhenOver: true }));
    add("wide", createReportsPanel(app));
    setInterval(() => { if (app.conn.state === "online") app.loadRoster(); }, 20000);
  }

  store.subscribe((s) => {
    // The phase on <body> (the projector's layout while the game waits), and every box that
    // scrolls reachable by the keyboard (tables on a phone, the feed, the messages).
    const phaseNow = (s.view && s.view.phase) || "lobby";
    if (document.body.dataset.phase !== phaseNow) document.body.dataset.phase = phaseNow;
    queueMicrotask(() => {
      for (const box of document.querySelectorAll(".table-wrap:not([tabindex]), .feed:not([tabindex]), .messages:not([tabindex])")) {
        box.tabIndex = 0;
      }
    });
    for (const p of panels) {
      try {
        p.update(s);
      } catch (err) {
        console.error(err);
      }
    }
  });
  store.emit();
  app.conn.start();
  window.forge = app; // for debugging from the console
  return app;
}

boot();
