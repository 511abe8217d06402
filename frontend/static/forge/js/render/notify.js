// What is new for a delegation, so nothing is missed on a phone: a toast and a badge on
// the section's tab for a new offer, a private message, an announcement or an event
// question. A badge clears when its section is opened or scrolled into view.
import { h } from "../dom.js";
import { seatName } from "../format.js";
import { _, fmt } from "../i18n.js";
import { ANNOUNCE, PLENARY } from "./chat.js";

export function createNotifier(app, nav) {
  const counts = { event: 0, deals: 0, chat: 0 };
  const seen = { offers: null, chat: null, prompts: null };
  const badges = {};
  for (const a of nav ? nav.querySelectorAll("a") : []) {
    const key = a.getAttribute("href").slice(1);
    if (!(key in counts)) continue;
    const badge = h("span", { class: "nav-badge", hidden: true, "data-testid": `badge-${key}` });
    a.appendChild(badge);
    badges[key] = badge;
    a.addEventListener("click", () => clear(key));
  }

  function show(key) {
    const b = badges[key];
    if (!b) return;
    b.hidden = counts[key] === 0;
    b.textContent = String(counts[key]);
    b.setAttribute("aria-label", fmt(_("%(n)s new"), { n: counts[key] }));
  }
  function bump(key, n = 1) {
    counts[key] += n;
    show(key);
  }
  function clear(key) {
    counts[key] = 0;
    show(key);
  }
  // Reading a section clears its badge.
  if ("IntersectionObserver" in window) {
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting && e.intersectionRatio > 0.25) clear(e.target.id);
    }, { threshold: [0.25] });
    setTimeout(() => { for (const k of Object.keys(counts)) { const s = document.getElementById(k); if (s) io.observe(s); } }, 0);
  }

  function update(store) {
    const v = store.view;
    const me = app.seat();
    if (!v || !me) return;
    // offers addressed to me
    const offers = (v.proposals || []).filter((d) => d.status === "proposed" && d.recipient === me);
    const offerKeys = new Set(offers.map((d) => `${d.id}:${d.version}`));
    if (seen.offers) {
      for (const d of offers) {
        if (!seen.offers.has(`${d.id}:${d.version}`)) {
          app.toast(fmt(d.version > 1 ? _("New counter-offer from %(who)s: see Deals.") : _("New offer from %(who)s: see Deals."), { who: seatName(v, d.proposer) }));
          bump("deals");
        }
      }
    }
    seen.offers = offerKeys;
    // event questions
    const open = ((v.me && v.me.prompts) || []).filter((p) => p.status === "open").map((p) => p.id);
    if (seen.prompts) {
      const fresh = open.filter((id) => !seen.prompts.has(id));
      if (fresh.length) {
        app.toast(_("An event asks for your response: see Event."));
        bump("event", fresh.length);
      }
    }
    seen.prompts = new Set(open);
    // messages and announcements
    const ids = [...store.chat.keys()];
    if (seen.chat) {
      for (const id of ids) {
        if (seen.chat.has(id)) continue;
        const m = store.chat.get(id);
        if (!m || m.sender === me) continue;
        if (m.room === ANNOUNCE) {
          app.toast(fmt(_("Announcement: %(text)s"), { text: m.text }), { timeout: 10000 });
          bump("chat");
        } else if (m.room !== PLENARY) {
          app.toast(fmt(_("Message from %(who)s"), { who: seatName(v, m.sender) }));
          bump("chat");
        }
      }
    }
    if (store.view) seen.chat = new Set(ids);
  }
  return { el: null, update };
}
