// The briefing before round 1: who you are, your numbers in words, what you want, your
// secret objective and how you score, all from the seat's own view, then a three-question
// quiz built from the same view and checked here in the page. Each answer goes to the
// server (control "quiz"), so the facilitator sees how far each person is; the answer that
// makes all three right passes the quiz and briefs the person there (with how many were
// right at the first try). After round 1 starts the briefing stays on the page, folded, to
// read again.
import { h, fill, changed } from "../dom.js";
import { money, int, mineralName, seatName } from "../format.js";
import { _, fmt, sc, tip } from "../i18n.js";
import { parLine } from "./delegation.js";

const PARTS = {
  prosperity: _("money and growth"),
  security: _("a secure supply of minerals"),
  sustainability: _("clean production"),
  reputation: _("your reputation"),
};

function storageKey(app) {
  const w = app.store.welcome;
  return `forge-briefed:${app.cfg.code}:${(w && w.you && w.you.player) || app.seat()}`;
}

function remembered(app) {
  try {
    const v = window.localStorage.getItem(storageKey(app));
    return v === null ? null : Number(v);
  } catch {
    return null;
  }
}

function remember(app, n) {
  try {
    window.localStorage.setItem(storageKey(app), String(n));
  } catch { /* private mode: the server still knows */ }
}

/** A mineral line in words: what the factories need, what the country mines and refines. */
function mineralSentence(v, m, pub, hold) {
  const need = (pub.demand || {})[m.id] || 0;
  const cap = (pub.capacity || {})[m.id] || {};
  const mine = cap.mine || 0;
  const parts = [fmt(_("%(mineral)s: your factories need %(need)s lots a round; you can mine %(mine)s and refine %(refine)s a round, and you hold %(held)s."),
    { mineral: mineralName(v, m.id), need: int(need), mine: int(mine), refine: int(cap.refine || 0),
      held: int((hold.ore || 0) + (hold.refined || 0) + (hold.stockpile || 0)) })];
  if (need > mine) parts.push(fmt(_("You are short of about %(n)s lots a round: buy them or sign deals."), { n: int(need - mine) }));
  else if (mine > need) parts.push(fmt(_("You have about %(n)s lots a round to sell."), { n: int(mine - need) }));
  return parts.join(" ");
}

/** The three questions, from the seat's view: [{q, options: [{label, right}], why}]. */
export function quizFor(v) {
  const me = v.me;
  const pub = v.seats[me.seat] || {};
  const out = [];
  // 1. what matters most (the highest weight), when one part stands out
  const weights = Object.entries(me.weights || {}).sort((a, b) => b[1] - a[1]);
  if (weights.length > 1 && weights[0][1] > weights[1][1]) {
    const top = weights[0][0];
    out.push({
      q: _("What matters most to your country when the game is scored?"),
      options: Object.keys(PARTS).filter((p) => p in (me.weights || {})).map((p) => ({ label: PARTS[p], right: p === top })),
      why: fmt(_("%(part)s counts %(n)s times in your score, more than anything else."), { part: PARTS[top], n: weights[0][1] }),
    });
  }
  // 2. the mineral where need and production differ most: buy or sell?
  let best = null;
  for (const m of v.minerals) {
    const need = (pub.demand || {})[m.id] || 0;
    const mine = ((pub.capacity || {})[m.id] || {}).mine || 0;
    if (need !== mine && (!best || Math.abs(need - mine) > best.gap)) best = { m, need, mine, gap: Math.abs(need - mine) };
  }
  if (best) {
    const name = mineralName(v, best.m.id);
    const buy = best.need > best.mine;
    out.push({
      q: fmt(_("Your factories need %(need)s lots of %(mineral)s a round and you can mine %(mine)s. So…"), { need: int(best.need), mineral: name, mine: int(best.mine) }),
      options: [
        { label: fmt(_("you must buy %(mineral)s or sign deals for it"), { mineral: name }), right: buy },
        { label: fmt(_("you have %(mineral)s to sell to others"), { mineral: name }), right: !buy },
        { label: fmt(_("%(mineral)s does not matter to you"), { mineral: name }), right: false },
      ],
      why: buy ? fmt(_("You need %(n)s lots more than you can mine."), { n: int(best.need - best.mine) })
        : fmt(_("You can mine %(n)s lots more than you need."), { n: int(best.mine - best.need) }),
    });
  }
  // 3. the secret objective's points
  const bonus = (me.objectives || []).reduce((s, o) => s + (o.bonus || 0), 0);
  if (bonus > 0) {
    out.push({
      q: _("How many points does meeting your secret objective add to your total?"),
      options: [{ label: fmt(_("+%(n)s points"), { n: bonus }), right: true },
        { label: _("none: only deals count"), right: false }, { label: _("+1000 points"), right: false }],
      why: fmt(_("Meeting it adds %(n)s points: a lot, so plan for it from round 1."), { n: bonus }),
    });
  }
  // fillers when the view gives fewer than three
  const fillers = [
    { q: _("Who can see your secret objective?"),
      options: [{ label: _("only your delegation and the teacher"), right: true }, { label: _("every country"), right: false },
        { label: _("everyone, on the projector"), right: false }],
      why: _("It is secret: only your delegation and the teacher see it until the debrief.") },
    { q: _("What does 100 in a part of your score mean?"),
      options: [{ label: _("as well as your country would have done with no deals"), right: true },
        { label: _("the best anyone can do"), right: false }, { label: _("you lost"), right: false }],
      why: _("100 is the no-deal result: good deals take you above it.") },
    { q: _("You start with this much money. How much is it?"),
      options: [{ label: money(me.treasury), right: true }, { label: money(Math.round(me.treasury / 10)), right: false },
        { label: money(me.treasury * 3), right: false }],
      why: fmt(_("Your treasury starts at %(money)s."), { money: money(me.treasury) }) },
  ];
  for (const f of fillers) if (out.length < 3) out.push(f);
  return out.slice(0, 3);
}

export function createBriefing(app) {
  const body = h("div", {});
  const quizBox = h("div", { class: "quiz", "data-testid": "quiz" });
  const status = h("p", { class: "ok-line", "data-testid": "briefed", role: "status", hidden: true });
  const heading = h("h2", { id: "briefing-h", text: _("Your briefing") });
  const intro = h("p", { class: "muted", text: _("Read this before round 1, then answer the three questions: the teacher sees who is ready.") });
  const fold = h("details", { class: "briefing-fold" }, h("summary", { text: _("Your briefing (read it again)") }));
  const content = h("div", {}, intro, body, h("h3", { class: "sub", text: _("Check you are ready") }), quizBox, status);
  const el = h("section", { class: "panel briefing", id: "briefing", "aria-labelledby": "briefing-h", "data-testid": "briefing", hidden: true },
    heading, content);
  let quiz = null; // {items, tries: [number], right: [bool]}
  let done = null;

  function shown(first) {
    done = first;
    remember(app, first);
    status.hidden = false;
    status.textContent = fmt(_("Briefed and ready: %(n)s of 3 right at the first try. The teacher can see it."), { n: first });
  }

  /** Tell the server about one answer; the last right one passes the quiz there. The
   * server's count of first tries wins (it kept the answers from before a reload); if it
   * did not brief the person (an answer lost offline), "briefed" says so in one go. */
  async function tell(i, right, last) {
    const ack = await app.control("quiz", { question: i, right });
    if (!last || done !== null) return;
    const briefed = ack && ack.result ? ack.result.briefed : null;
    if (briefed !== null && briefed !== undefined) { shown(briefed); return; }
    const first = quiz.tries.filter((t) => t === 1).length;
    shown(first);
    app.control("briefed", { first_try: first });
  }

  function renderQuiz(v) {
    quiz = { items: quizFor(v), tries: [0, 0, 0], right: [false, false, false] };
    fill(quizBox, h("ol", { class: "quiz-list" }, quiz.items.map((item, i) => {
      const feedback = h("p", { class: "quiz-feedback", role: "status" });
      const name = `quiz-${i}`;
      const fs = h("fieldset", { class: "quiz-q", "data-testid": "quiz-question" },
        h("legend", { text: item.q }),
        item.options.map((o, j) => h("label", { class: "quiz-option" },
          h("input", { type: "radio", name, value: String(j), "data-right": o.right ? "1" : "0",
            on: { change: () => {
              if (quiz.right[i]) return;
              quiz.tries[i] += 1;
              if (o.right) {
                quiz.right[i] = true;
                feedback.className = "quiz-feedback ok-line";
                feedback.textContent = `✓ ${_("Right.")} ${item.why}`;
                for (const inp of fs.querySelectorAll("input")) inp.disabled = true;
              }
              tell(i, !!o.right, quiz.right.every(Boolean));
              if (!o.right) {
                feedback.className = "quiz-feedback warn-line";
                feedback.textContent = `✗ ${_("Not quite: read your briefing above and try again.")}`;
              }
            } } }),
          h("span", { text: o.label }))),
        feedback);
      return h("li", {}, fs);
    })));
  }

  function update(store) {
    const v = store.view;
    if (!v || !v.me || app.role !== "player") { el.hidden = true; return; }
    const lobby = v.phase === "lobby";
    el.hidden = v.phase === "ended";
    if (el.hidden) return;
    // before round 1 the briefing is open; after, folded under a summary to read again
    if (lobby && content.parentNode !== el) el.append(content);
    if (!lobby && content.parentNode !== fold) { fold.append(content); el.append(fold); }
    heading.hidden = !lobby;
    if (!changed(el, [v.me.seat, v.me.treasury, v.me.objectives, v.me.weights, v.me.par, v.seats[v.me.seat], v.minerals.length])) return;
    const seat = v.me.seat;
    const pub = v.seats[seat] || {};
    const me = v.me;
    const weights = Object.entries(me.weights || {}).sort((a, b) => b[1] - a[1]);
    const objectives = me.objectives || [];
    fill(body,
      h("h3", { class: "sub", text: _("Who you are") }),
      h("p", {}, h("strong", { text: seatName(v, seat) }), ": ", sc(`countries.${seat}.profile`, pub.profile || "")),
      h("h3", { class: "sub", text: _("Your numbers") }),
      h("ul", { class: "briefing-list" },
        h("li", { text: fmt(_("You start with %(money)s to spend on minerals, mines and refineries, and %(reserve)s of reserve money for a strategic stockpile."),
          { money: money(me.treasury), reserve: money(me.stockpile_budget) }) }),
        v.minerals.map((m) => h("li", { text: mineralSentence(v, m, pub, (me.holdings || {})[m.id] || {}) })),
        h("li", { text: fmt(_("Your reputation is %(n)s out of 10: keeping your promises keeps it up."), { n: pub.reputation }) })),
      h("h3", { class: "sub", text: _("What you want") }),
      weights.length ? h("p", { text: fmt(_("Most of all %(first)s; then %(rest)s."), { first: PARTS[weights[0][0]] || weights[0][0],
        rest: weights.slice(1).map(([k, n]) => fmt(_("%(part)s (counts %(n)s times)"), { part: PARTS[k] || k, n })).join(", ") }) }) : null,
      h("h3", { class: "sub" }, _("Your secret objective"), tip("objective")),
      objectives.length ? h("ul", { class: "briefing-list" }, objectives.map((o) => h("li", {},
        h("span", { text: sc(`countries.${seat}.objectives.${o.id}`, o.text) }), " ",
        h("span", { class: "pill", text: fmt(_("+%(n)s bonus points"), { n: o.bonus }) }))))
        : h("p", { class: "muted", text: _("None.") }),
      h("p", { class: "small", text: _("Only your delegation and the teacher can see it. Do not tell the other countries.") }),
      h("h3", { class: "sub", text: _("How you score") }),
      h("p", { text: _("Your score has four parts: money and growth, a secure supply, clean production and reputation. In each, 100 means as well as your country would have done with no deals. Your total is their average, weighted by what matters to you, plus the points of the objectives you meet. The highest total wins.") }),
      parLine(me));
    if (!quiz) renderQuiz(v);
    if (done === null) {
      const before = remembered(app);
      if (before !== null && !Number.isNaN(before)) {
        done = before;
        status.hidden = false;
        status.textContent = fmt(_("Briefed and ready: %(n)s of 3 right at the first try. The teacher can see it."), { n: before });
        for (const inp of quizBox.querySelectorAll("input")) inp.disabled = true;
      }
    }
  }
  return { el, update };
}
