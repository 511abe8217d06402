// FORGE: members, chair, floors, fund, motions (with Yes / No when the seat may vote),
// disputes; and for a seat the club business it may do now (apply, leave, propose a
// floor or a standard, nominate a chair, file a WTO dispute).
import { h, fill, changed, select, setOptions, field, num } from "../dom.js";
import { seatName, keyName, money, mineralOptions, seatOptions, motionText, MOTION_STATUS, formName } from "../format.js";
import { _, fmt, tip } from "../i18n.js";

export function forgeStatus(view, { big = false, motions = true } = {}) {
  const f = view.forge;
  const floors = Object.entries(f.floors || {});
  const open = f.motions.filter((m) => m.status === "open");
  return h("div", { class: `forge-status${big ? " big" : ""}`, "data-testid": "forge-status" },
    h("dl", { class: "stats" },
      h("div", {}, h("dt", { text: _("Chair") }), h("dd", { text: f.chair ? `${seatName(view, f.chair)}${f.chair_until_round ? ` ${fmt(_("(until round %(n)s)"), { n: f.chair_until_round })}` : ""}` : _("none") })),
      h("div", {}, h("dt", { text: _("Members") }), h("dd", { text: String(f.members.length) })),
      h("div", {}, h("dt", { text: _("Fund") }), h("dd", { text: money(f.fund) })),
      h("div", {}, h("dt", { text: _("Min. standard") }), h("dd", { text: String(f.min_standard) }))),
    h("p", { class: "members" }, f.members.map((m) => h("span", { class: "chip", text: seatName(view, m) }))),
    h("h4", {}, _("Floor prices"), tip("floor")),
    floors.length ? h("ul", { class: "plain" }, floors.map(([k, p]) => h("li", { text: `${keyName(view, k)} ≥ ${money(p)}/${_("lot")}` })))
      : h("p", { class: "muted", text: _("No floors adopted.") }),
    motions && open.length ? [h("h4", { text: _("Open votes") }), h("ul", { class: "plain" }, open.map((m) =>
      h("li", { text: fmt(_("%(what)s (proposed by %(seat)s): %(yes)s yes, %(no)s no"), { what: motionText(view, m), seat: seatName(view, m.proposer), yes: m.yes, no: m.no }) })))] : null,
    (f.disputes || []).length ? [h("h4", { text: _("Trade complaints (WTO)") }), h("ul", { class: "plain" }, f.disputes.map((d) =>
      h("li", { text: `${fmt(d.kind === "floor" ? _("%(seat)s against FORGE's floor price on %(what)s") : _("%(seat)s against a “don't sell to a rival” promise"), { seat: seatName(view, d.filed_by), what: d.mineral ? keyName(view, `${d.mineral}:${d.form}`) : "" })}: ${MOTION_STATUS[d.status] || d.status}${d.status === "pending" ? ` ${fmt(_("(decided in round %(n)s)"), { n: d.resolves_round })}` : ""}` })))] : null);
}

export function createForgePanel(app) {
  const status = h("div", {});
  const motions = h("ul", { class: "motions", "data-testid": "motions" });
  const closedList = h("ul", { class: "plain small" });
  const closedBox = h("details", {}, h("summary", { text: _("Decided votes") }), closedList);
  const membership = h("div", { class: "btn-row" });
  const disputes = h("div", { class: "btn-row" });

  // propose a floor
  const floorMineral = select({ "data-testid": "floor-mineral" }, []);
  const floorForm = select({}, [{ value: "refined", label: formName("refined") }, { value: "ore", label: formName("ore") }]);
  const floorPrice = num({ min: 0, value: 0, "data-testid": "floor-price" });
  const floorForm_ = h("form", { class: "row", novalidate: true, on: { submit: (e) => {
    e.preventDefault();
    app.act({ type: "propose_floor", mineral: floorMineral.value, form: floorForm.value, price: Math.trunc(Number(floorPrice.value)) }, _("Floor proposed."));
  } } }, field(_("Mineral"), floorMineral), field(_("Form"), floorForm), field(_("Floor price, $M per lot (0 removes it)"), floorPrice),
  h("button", { class: "btn", type: "submit", text: _("Propose floor") }));
  // propose a standard
  const stdLevel = select({}, ["0", "1", "2", "3"], "2");
  const stdForm = h("form", { class: "row", novalidate: true, on: { submit: (e) => {
    e.preventDefault();
    app.act({ type: "propose_standard", level: Number(stdLevel.value) }, _("Standard proposed."));
  } } }, field(_("Minimum environmental standard"), stdLevel), h("button", { class: "btn", type: "submit", text: _("Propose standard") }));
  // nominate a chair
  const chairSeat = select({}, []);
  const chairForm = h("form", { class: "row", novalidate: true, on: { submit: (e) => {
    e.preventDefault();
    app.act({ type: "nominate_chair", seat: chairSeat.value }, _("Nomination made."));
  } } }, field(_("Chair"), chairSeat), h("button", { class: "btn", type: "submit", text: _("Nominate chair") }));
  const business = h("div", { class: "forge-business" }, floorForm_, stdForm, chairForm);

  const el = h("section", { class: "panel", id: "forge", "aria-labelledby": "forge-h", "data-testid": "forge" },
    h("h2", { id: "forge-h", text: "FORGE" }), status,
    h("h3", { class: "sub" }, _("Votes"), tip("motion")), motions, closedBox,
    membership, disputes, business);

  function update(store) {
    const v = store.view;
    if (!v) return;
    const f = v.forge;
    const me = app.seat();
    const legal = store.legal ? store.legal.actions : [];
    const kinds = store.legal ? [...store.legal.kinds] : [];
    setOptions(floorMineral, mineralOptions(v));
    setOptions(chairSeat, seatOptions(v, f.members));
    floorForm_.hidden = !store.can("propose_floor");
    stdForm.hidden = !store.can("propose_standard");
    chairForm.hidden = !store.can("nominate_chair");
    if (!changed(el, [f, legal, kinds, me])) return;
    fill(status, forgeStatus(v, { motions: false }));
    const open = f.motions.filter((m) => m.status === "open");
    fill(motions, open.length ? open.map((m) => {
      const yes = store.legalActions("vote", { motion: m.id, yes: true }).length > 0;
      const no = store.legalActions("vote", { motion: m.id, yes: false }).length > 0;
      const mine = m.votes && me in m.votes ? (m.votes[me] ? _("You voted yes.") : _("You voted no.")) : "";
      return h("li", { class: "motion", "data-motion": m.id },
        h("div", {}, h("strong", { text: motionText(v, m) }),
          h("span", { class: "muted", text: ` — ${fmt(_("proposed by %(seat)s; %(yes)s yes, %(no)s no"), { seat: seatName(v, m.proposer), yes: m.yes, no: m.no })}` })),
        mine ? h("p", { class: "muted small", text: mine }) : null,
        yes || no ? h("div", { class: "btn-row" },
          yes ? h("button", { type: "button", class: "btn btn-primary", text: _("Yes"),
            on: { click: () => app.act({ type: "vote", motion: m.id, yes: true }, _("Vote cast.")) } }) : null,
          no ? h("button", { type: "button", class: "btn", text: _("No"),
            on: { click: () => app.act({ type: "vote", motion: m.id, yes: false }, _("Vote cast.")) } }) : null) : null);
    }) : h("li", { class: "muted empty", text: _("No open votes.") }));
    const closed = f.motions.filter((m) => m.status !== "open");
    fill(closedList, closed.slice().reverse().map((m) => h("li", { text: `${motionText(v, m)}: ${MOTION_STATUS[m.status] || m.status} (${m.yes}–${m.no})` })));
    closedBox.hidden = !closed.length;

    const canApply = store.legalActions("apply_forge").length > 0;
    const canLeave = store.legalActions("leave_forge").length > 0;
    fill(membership,
      canApply ? h("button", { type: "button", class: "btn btn-primary", text: _("Apply to join FORGE"),
        on: { click: () => app.act({ type: "apply_forge" }, _("Application filed.")) } }) : null,
      canLeave ? h("button", { type: "button", class: "btn btn-quiet", text: _("Leave FORGE"),
        on: { click: () => { if (confirm(_("Leave FORGE?"))) app.act({ type: "leave_forge" }, _("You left FORGE.")); } } }) : null,
      v.me && v.me.applied_forge ? h("span", { class: "muted", text: _("Your application is before the members.") }) : null);
    const filings = store.legalActions("file_dispute");
    fill(disputes, filings.map((a) => h("button", { type: "button", class: "btn",
      text: a.kind === "floor" ? fmt(_("Complain to the WTO about the floor price on %(what)s"), { what: keyName(v, `${a.mineral}:${a.form}`) }) : _("Complain to the WTO about a “don't sell to a rival” promise"),
      on: { click: () => app.act({ type: "file_dispute", kind: a.kind, mineral: a.mineral, form: a.form, deal: a.deal }, _("Complaint filed.")) } })));
  }
  return { el, update };
}
