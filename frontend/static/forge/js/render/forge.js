// FORGE: members, chair, floors, fund, motions (with Yes / No when the seat may vote),
// disputes; and for a seat the club business it may do now (apply, leave, propose a
// floor or a standard, nominate a chair, file a WTO dispute).
import { h, fill, changed, select, setOptions, field, num } from "../dom.js";
import { seatName, keyName, money, mineralOptions, seatOptions } from "../format.js";

export function forgeStatus(view, { big = false, motions = true } = {}) {
  const f = view.forge;
  const floors = Object.entries(f.floors || {});
  const open = f.motions.filter((m) => m.status === "open");
  return h("div", { class: `forge-status${big ? " big" : ""}`, "data-testid": "forge-status" },
    h("dl", { class: "stats" },
      h("div", {}, h("dt", { text: "Chair" }), h("dd", { text: `${seatName(view, f.chair)}${f.chair_until_round ? ` (to round ${f.chair_until_round})` : ""}` })),
      h("div", {}, h("dt", { text: "Members" }), h("dd", { text: String(f.members.length) })),
      h("div", {}, h("dt", { text: "Fund" }), h("dd", { text: money(f.fund) })),
      h("div", {}, h("dt", { text: "Min. standard" }), h("dd", { text: String(f.min_standard) }))),
    h("p", { class: "members" }, f.members.map((m) => h("span", { class: "chip", title: seatName(view, m), text: m }))),
    h("h4", { text: "Floor prices" }),
    floors.length ? h("ul", { class: "plain" }, floors.map(([k, p]) => h("li", { text: `${keyName(view, k)} ≥ ${money(p)}/lot` })))
      : h("p", { class: "muted", text: "No floors adopted." }),
    motions && open.length ? [h("h4", { text: "Open motions" }), h("ul", { class: "plain" }, open.map((m) =>
      h("li", { text: `${m.id}: ${m.text} (by ${seatName(view, m.proposer)}) — ${m.yes} yes, ${m.no} no` })))] : null,
    (f.disputes || []).length ? [h("h4", { text: "WTO disputes" }), h("ul", { class: "plain" }, f.disputes.map((d) =>
      h("li", { text: `${d.id}: ${seatName(view, d.filed_by)} v. FORGE (${d.kind}${d.mineral ? ` ${d.mineral} ${d.form}` : ""}${d.deal ? ` ${d.deal}` : ""}) — ${d.status}${d.status === "pending" ? `, rules in round ${d.resolves_round}` : ""}` })))] : null);
}

export function createForgePanel(app) {
  const status = h("div", {});
  const motions = h("ul", { class: "motions", "data-testid": "motions" });
  const closedList = h("ul", { class: "plain small" });
  const closedBox = h("details", {}, h("summary", { text: "Decided motions" }), closedList);
  const membership = h("div", { class: "btn-row" });
  const disputes = h("div", { class: "btn-row" });

  // propose a floor
  const floorMineral = select({ "data-testid": "floor-mineral" }, []);
  const floorForm = select({}, ["refined", "ore"]);
  const floorPrice = num({ min: 0, value: 0, "data-testid": "floor-price" });
  const floorForm_ = h("form", { class: "row", novalidate: true, on: { submit: (e) => {
    e.preventDefault();
    app.act({ type: "propose_floor", mineral: floorMineral.value, form: floorForm.value, price: Math.trunc(Number(floorPrice.value)) }, "Floor proposed.");
  } } }, field("Mineral", floorMineral), field("Form", floorForm), field("Floor $M/lot (0 removes)", floorPrice),
  h("button", { class: "btn", type: "submit", text: "Propose floor" }));
  // propose a standard
  const stdLevel = select({}, ["0", "1", "2", "3"], "2");
  const stdForm = h("form", { class: "row", novalidate: true, on: { submit: (e) => {
    e.preventDefault();
    app.act({ type: "propose_standard", level: Number(stdLevel.value) }, "Standard proposed.");
  } } }, field("Minimum environmental standard", stdLevel), h("button", { class: "btn", type: "submit", text: "Propose standard" }));
  // nominate a chair
  const chairSeat = select({}, []);
  const chairForm = h("form", { class: "row", novalidate: true, on: { submit: (e) => {
    e.preventDefault();
    app.act({ type: "nominate_chair", seat: chairSeat.value }, "Nomination made.");
  } } }, field("Chair", chairSeat), h("button", { class: "btn", type: "submit", text: "Nominate chair" }));
  const business = h("div", { class: "forge-business" }, floorForm_, stdForm, chairForm);

  const el = h("section", { class: "panel", id: "forge", "aria-labelledby": "forge-h", "data-testid": "forge" },
    h("h2", { id: "forge-h", text: "FORGE" }), status,
    h("h3", { class: "sub", text: "Motions" }), motions, closedBox,
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
      const mine = m.votes && me in m.votes ? (m.votes[me] ? "You voted yes." : "You voted no.") : "";
      return h("li", { class: "motion", "data-motion": m.id },
        h("div", {}, h("strong", { text: `${m.id}: ${m.text}` }),
          h("span", { class: "muted", text: ` — proposed by ${seatName(v, m.proposer)}; ${m.yes} yes, ${m.no} no` })),
        mine ? h("p", { class: "muted small", text: mine }) : null,
        yes || no ? h("div", { class: "btn-row" },
          yes ? h("button", { type: "button", class: "btn btn-primary", text: "Yes",
            on: { click: () => app.act({ type: "vote", motion: m.id, yes: true }, "Vote cast.") } }) : null,
          no ? h("button", { type: "button", class: "btn", text: "No",
            on: { click: () => app.act({ type: "vote", motion: m.id, yes: false }, "Vote cast.") } }) : null) : null);
    }) : h("li", { class: "muted empty", text: "No open motions." }));
    const closed = f.motions.filter((m) => m.status !== "open");
    fill(closedList, closed.slice().reverse().map((m) => h("li", { text: `${m.id}: ${m.text} — ${m.status} (${m.yes}–${m.no})` })));
    closedBox.hidden = !closed.length;

    const canApply = store.legalActions("apply_forge").length > 0;
    const canLeave = store.legalActions("leave_forge").length > 0;
    fill(membership,
      canApply ? h("button", { type: "button", class: "btn btn-primary", text: "Apply to join FORGE",
        on: { click: () => app.act({ type: "apply_forge" }, "Application filed.") } }) : null,
      canLeave ? h("button", { type: "button", class: "btn btn-quiet", text: "Leave FORGE",
        on: { click: () => { if (confirm("Leave FORGE?")) app.act({ type: "leave_forge" }, "You left FORGE."); } } }) : null,
      v.me && v.me.applied_forge ? h("span", { class: "muted", text: "Your application is before the members." }) : null);
    const filings = store.legalActions("file_dispute");
    fill(disputes, filings.map((a) => h("button", { type: "button", class: "btn",
      text: a.kind === "floor" ? `File WTO dispute: ${keyName(v, `${a.mineral}:${a.form}`)} floor` : `File WTO dispute: exclusivity in ${a.deal}`,
      on: { click: () => app.act({ type: "file_dispute", kind: a.kind, mineral: a.mineral, form: a.form, deal: a.deal }, "Dispute filed.") } })));
  }
  return { el, update };
}
