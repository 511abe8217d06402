// The header every console shares: who/what, round and phase, a live countdown from the
// clock message, and whether the page is online (with the reconnect countdown when not).
import { h, fill } from "../dom.js";
import { PHASES, clockText, roundText, seatName } from "../format.js";
import { _, fmt, sc } from "../i18n.js";

// The server closes with an English sentence: on a page in another language, a sentence
// of the catalogue stands in for it.
const ENGLISH = (document.documentElement.lang || "en").toLowerCase().startsWith("en");
function reasonText(reason) {
  if (!reason) return _("the connection was closed");
  if (ENGLISH) return reason;
  return /remov/i.test(reason) ? _("the facilitator removed you from this game") : _("the connection was closed");
}

export function createHeader(app) {
  const title = h("div", { class: "hdr-title" });
  const round = h("div", { class: "hdr-round", "data-testid": "round" });
  const phase = h("span", { class: "phase-badge", "data-testid": "phase" });
  const clock = h("span", { class: "countdown", "data-testid": "countdown", role: "timer",
    "aria-live": "off" });
  const net = h("span", { class: "net net-connecting", "data-testid": "net", role: "status",
    "aria-live": "polite", text: _("connecting…") });
  const extra = h("div", { class: "hdr-extra" });
  const banner = h("div", { class: "offline-banner", "data-testid": "offline-banner", role: "alert",
    hidden: true });
  const el = h("header", { class: "hdr" },
    h("div", { class: "hdr-row" }, title, h("div", { class: "hdr-status" }, phase, clock, net)),
    h("div", { class: "hdr-row hdr-row2" }, round, extra),
    banner);

  function renderTitle(store) {
    const v = store.view;
    const code = app.cfg.code;
    if (app.role === "player") {
      const seat = app.seat();
      fill(title, h("span", { class: "flag", text: seat || "" }), " ",
        h("strong", { "data-testid": "country", text: v && seat ? seatName(v, seat) : _("Joining…") }),
        store.welcome && store.welcome.you && store.welcome.you.name
          ? h("span", { class: "muted", "data-testid": "you", text: ` · ${store.welcome.you.name}` }) : null);
    } else if (app.role === "facilitator") {
      fill(title, h("strong", { text: _("Facilitator") }), " · ", h("span", { class: "code", text: code }),
        v ? h("span", { class: "muted", text: ` · ${sc("title", v.scenario.title)}` }) : null);
    } else {
      fill(title, h("strong", { text: v ? sc("title", v.scenario.title) : "FORGE" }),
        h("span", { class: "muted", text: ` · ${_("join with code")} ` }), h("span", { class: "code", text: code }));
    }
  }

  function tick() {
    const store = app.store;
    const c = store.clock;
    const ms = store.remainingMs();
    let text = "";
    if (c && (c.status === "running" || c.status === "paused") && ms !== null) text = clockText(ms);
    clock.textContent = text;
    clock.hidden = !text;
    clock.classList.toggle("urgent", c && c.status === "running" && ms !== null && ms < 30000);
    clock.classList.toggle("paused", !!(c && c.status === "paused"));
    const st = store.connection;
    if (st.state === "offline" && st.retryAt) {
      const s = Math.max(0, Math.ceil((st.retryAt - Date.now()) / 1000));
      banner.textContent = s > 0 ? fmt(_("Offline — reconnecting in %(s)s s…"), { s }) : _("Offline — reconnecting…");
    }
  }
  setInterval(tick, 250);

  function update(store) {
    renderTitle(store);
    const v = store.view;
    const c = store.clock;
    round.textContent = v ? roundText(v) : "";
    const ph = (v && v.phase) || (c && c.phase) || "lobby";
    const paused = (v && v.paused) || (c && c.status === "paused");
    phase.textContent = paused ? `${PHASES[ph] || ph} · ${_("paused")}` : (PHASES[ph] || ph);
    phase.className = `phase-badge phase-${ph}${paused ? " is-paused" : ""}`;
    const st = store.connection;
    const labels = { online: _("online"), connecting: _("connecting…"), offline: _("offline — reconnecting"),
      stopped: _("disconnected") };
    net.textContent = labels[st.state] || st.state;
    net.className = `net net-${st.state}`;
    if (st.state === "offline") {
      banner.hidden = false;
      banner.textContent = _("Offline — reconnecting…");
    } else if (st.state === "stopped") {
      banner.hidden = false;
      fill(banner, fmt(_("Disconnected: %(reason)s. "), { reason: reasonText(st.reason) }),
        app.role === "player" && app.cfg.links.join ? h("a", { href: app.cfg.links.join, text: _("Join again") }) : null,
        app.role !== "player" ? h("a", { href: location.href, text: _("Reload") }) : null);
    } else {
      banner.hidden = true;
    }
    document.body.classList.toggle("is-offline", st.state !== "online");
    tick();
  }

  return { el, banner, extra, update };
}
