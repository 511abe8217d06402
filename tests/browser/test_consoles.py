"""The three consoles against a live server: joining, private panels, a deal between two
people, what the projector may show, the facilitator's controls, orders, errors, the
debrief, and reconnecting after the server restarts."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Pages, join, login_facilitator, seq, wait_seq
from tests.browser.server import ForgeServer


def phase(page: Page) -> str:
    return page.get_by_test_id("phase").inner_text()


def test_player_joins_and_sees_private_panel(server: ForgeServer, pages: Pages, new_game) -> None:
    code = new_game("--start")
    page = join(pages.new(), server, code, "Ada", "USA")
    expect(page.get_by_test_id("country")).to_have_text("United States")
    expect(page.get_by_test_id("phase")).to_have_text("Negotiation")
    expect(page.get_by_test_id("round")).to_contain_text("Round 1 of")
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    panel = page.get_by_test_id("delegation")
    expect(panel.get_by_test_id("treasury")).to_have_text(re.compile(r"^\$[\d,]+M$"))
    expect(panel.get_by_test_id("objectives").locator("li").first).to_be_visible()
    expect(page.get_by_test_id("card")).to_be_visible()  # the round's event card
    # Only the seat's own secrets: the view carries "me" for USA and no one else's.
    view = page.evaluate("window.forge.store.view")
    assert view["me"]["seat"] == "USA" and "private" not in view
    # The legal actions drive the buttons: ready is offered, the builder is open.
    expect(page.get_by_test_id("ready")).to_have_text("I'm ready")
    expect(page.get_by_test_id("deal-builder")).to_be_visible()


def test_deal_is_proposed_accepted_and_signed(server: ForgeServer, pages: Pages, new_game
                                              ) -> None:
    code = new_game("--start")
    usa = join(pages.new(), server, code, "Ann", "USA")
    aus = join(pages.new(), server, code, "Bo", "AUS")
    projector = pages.new(1600, 900)
    projector.goto(server.url(f"/g/{code}/watch/"))
    expect(projector.get_by_test_id("net")).to_have_text("online")

    # USA asks Australia for 3 lots/round of lithium ore at 6.
    builder = usa.get_by_test_id("deal-builder")
    builder.get_by_test_id("deal-partner").select_option("AUS")
    builder.get_by_test_id("clause-kind").select_option("supply")
    builder.get_by_test_id("add-clause").click()
    clause = builder.locator(".clause-row").first
    clause.get_by_label("Seller").select_option("them")
    clause.get_by_label("Mineral").select_option("lithium")
    clause.get_by_label("Form").select_option("ore")
    clause.get_by_label("Lots per round").fill("3")
    clause.get_by_label("Price ($ million per lot)").fill("6")
    builder.get_by_test_id("deal-rounds").fill("2")
    builder.get_by_test_id("propose").click()
    outgoing = usa.get_by_test_id("outgoing-deal")
    expect(outgoing).to_have_count(1)
    expect(outgoing).to_contain_text("Australia sells 3 lots/round of ore Lithium to United States")

    # Australia sees it; the projector does not (terms are private until signed).
    incoming = aus.get_by_test_id("incoming-deal")
    expect(incoming).to_contain_text("Australia sells 3 lots/round of ore Lithium")
    wait_seq(projector, seq(usa))
    expect(projector.get_by_test_id("signed-deal")).to_have_count(0)
    assert "Lithium to United States" not in projector.inner_text("body")

    incoming.get_by_role("button", name="Accept").click()
    for page in (usa, aus):
        active = page.get_by_test_id("active-deal")
        expect(active).to_have_count(1)
        expect(active).to_contain_text("Australia sells 3 lots/round of ore Lithium")
        expect(page.get_by_test_id("incoming-deal")).to_have_count(0)
        expect(page.get_by_test_id("outgoing-deal")).to_have_count(0)
    signed = projector.get_by_test_id("signed-deal")
    expect(signed).to_have_count(1)
    expect(signed).to_contain_text("United States ↔ Australia")
    expect(signed).to_contain_text("Australia sells 3 lots/round of ore Lithium")


def test_projector_shows_only_public_information(server: ForgeServer, pages: Pages, new_game
                                                 ) -> None:
    code = new_game("--start")
    usa = join(pages.new(), server, code, "Cy", "USA")
    projector = pages.new(1920, 1080)
    projector.goto(server.url(f"/g/{code}/watch/"))
    expect(projector.get_by_test_id("net")).to_have_text("online")
    expect(projector.get_by_test_id("card")).to_be_visible()
    expect(projector.get_by_test_id("forge-status")).to_be_visible()
    expect(projector.get_by_test_id("headline")).to_contain_text("United States")
    expect(projector.get_by_test_id("countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    # A proposal is made: nothing of it reaches the projector.
    propose_payment(usa, "JPN", 17)
    expect(usa.get_by_test_id("outgoing-deal")).to_contain_text(
        "United States pays Japan $17M once")
    wait_seq(projector, seq(usa))
    text = projector.inner_text("body")
    assert "pays Japan" not in text
    assert "treasury" not in text.lower()
    view = projector.evaluate("window.forge.store.view")
    assert "me" not in view and "private" not in view and "proposals" not in view
    assert "treasury" not in json.dumps(view)
    # Spectators cannot act: the page sends nothing but hello, and shows no forms (but the
    # language switch every page has).
    expect(projector.locator("form:not(.lang-form)")).to_have_count(0)


def test_facilitator_starts_and_advances_players_follow(server: ForgeServer, pages: Pages,
                                                        new_game) -> None:
    code = new_game()
    player = join(pages.new(), server, code, "Di", "EU")
    expect(player.get_by_test_id("phase")).to_have_text("Waiting to start")
    fac = login_facilitator(pages.new(1400, 1000), server, code)
    expect(fac.get_by_test_id("join-code")).to_have_text(code)
    expect(fac.get_by_test_id("join-link")).to_have_attribute("href", re.compile(f"code={code}"))
    expect(fac.get_by_test_id("ctl-advance")).to_be_hidden()
    fac.get_by_test_id("ctl-start").click()
    expect(player.get_by_test_id("phase")).to_have_text("Negotiation")
    expect(player.get_by_test_id("round")).to_contain_text("Round 1 of 3")
    expect(fac.get_by_test_id("ctl-start")).to_be_hidden()
    # The facilitator sees every seat's private panel.
    expect(fac.get_by_test_id("private-panels").locator("details")).to_have_count(6)
    fac.get_by_test_id("ctl-advance").click()
    expect(player.get_by_test_id("phase")).to_have_text("Orders")
    expect(player.get_by_test_id("orders-form")).to_be_visible()
    expect(player.get_by_test_id("deal-builder")).to_be_hidden()
    # Pause and resume reach the player too.
    fac.get_by_test_id("ctl-pause").click()
    expect(player.get_by_test_id("phase")).to_have_text("Orders · paused")
    fac.get_by_test_id("ctl-resume").click()
    expect(player.get_by_test_id("phase")).to_have_text("Orders")


def test_orders_then_resolution_report(server: ForgeServer, pages: Pages, new_game) -> None:
    code = new_game("--start")
    page = join(pages.new(), server, code, "Eve", "AUS")
    server.apply(code, json.dumps({"type": "advance"}))
    expect(page.get_by_test_id("phase")).to_have_text("Orders")
    form = page.get_by_test_id("orders-form")
    expect(form.get_by_test_id("orders-status")).to_contain_text("Not submitted")
    form.get_by_label("Sell automatically").uncheck()
    form.get_by_test_id("sell-lines-add").click()
    line = form.get_by_test_id("sell-lines").locator(".line").first
    line.get_by_label("Mineral").select_option("lithium")
    line.get_by_label("Form").select_option("ore")
    line.get_by_label("Lots").fill("2")
    line.get_by_label("Lowest price").fill("1")
    form.get_by_test_id("submit-orders").click()
    status = form.get_by_test_id("orders-status")
    expect(status).to_contain_text("Orders submitted")
    expect(status).to_contain_text("Sell: 2 ore Lithium")
    server.apply(code, json.dumps({"type": "advance"}))  # resolution, round 2 begins
    expect(page.get_by_test_id("round")).to_contain_text("Round 2 of")
    expect(page.get_by_test_id("report-market")).to_contain_text("Lithium ore")
    expect(page.get_by_test_id("report-private")).to_contain_text("Treasury after the round")
    expect(page.locator("#prices .uplot")).to_have_count(len(page.evaluate(
        "window.forge.store.view.minerals")))


def test_invalid_action_shows_error_toast_with_code(server: ForgeServer, pages: Pages,
                                                    new_game) -> None:
    code = new_game("--start")
    page = join(pages.new(), server, code, "Fay", "JPN")
    builder = page.get_by_test_id("deal-builder")
    builder.get_by_test_id("deal-partner").select_option("COD")
    builder.get_by_test_id("add-clause").click()  # supply
    builder.locator(".clause-row").first.get_by_label("Lots per round").fill("0")
    builder.get_by_test_id("propose").click()
    toast = page.locator(".toast-error")
    expect(toast).to_be_visible()
    expect(toast.locator(".toast-code")).to_have_text("bad_clause")
    # said from the refusal's params; the engine's English stays in the tooltip
    expect(toast).to_contain_text("Part 1 of the deal (supply) has a number out of range")
    expect(toast.locator(".toast-text")).to_have_attribute("title", re.compile("qty"))
    expect(page.get_by_test_id("outgoing-deal")).to_have_count(0)


def test_game_end_shows_debrief_everywhere(server: ForgeServer, pages: Pages, new_game) -> None:
    code = new_game("--start")
    player = join(pages.new(), server, code, "Gus", "COD")
    projector = pages.new(1600, 900)
    projector.goto(server.url(f"/g/{code}/watch/"))
    fac = login_facilitator(pages.new(1400, 1000), server, code)
    fac.once("dialog", lambda d: d.accept())
    fac.get_by_test_id("ctl-end").click()
    for page in (player, projector, fac):
        expect(page.get_by_test_id("phase")).to_have_text("Game over")
        debrief = page.get_by_test_id("debrief")
        expect(debrief).to_be_visible()
        expect(debrief.get_by_test_id("scores").locator("li.rank-item")).to_have_count(6)
        debrief.get_by_test_id("debrief-tab-discuss").click()  # the debrief's last tab
        expect(debrief.get_by_test_id("world")).to_contain_text("Demand met worldwide")
        debrief.get_by_test_id("debrief-tab-ranking").click()
    # A player finds their own country in the ranking, with its objective spelled out.
    mine = player.get_by_test_id("scores").locator("li.me")
    expect(mine).to_contain_text("DR Congo")
    expect(mine.locator("ul.why")).to_contain_text("objective")


def test_phone_layout_does_not_overflow(server: ForgeServer, pages: Pages, new_game) -> None:
    code = new_game("--start")
    page = join(pages.new(390, 844, is_mobile=True, has_touch=True), server, code, "Hal", "CHN")
    expect(page.get_by_test_id("delegation")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the page is {width}px wide on a 390px phone"
    # the builder shows once the seat's view says it may propose; on a loaded machine that
    # can come after the tap, and a jump to a section still being laid out lands short
    expect(page.get_by_test_id("deal-builder")).to_be_visible()
    page.get_by_role("link", name="Deals").click()
    expect(page.get_by_test_id("deal-builder")).to_be_in_viewport()


def test_chat_between_two_delegations(server: ForgeServer, pages: Pages, new_game) -> None:
    code = new_game("--start")
    usa = join(pages.new(), server, code, "Ivy", "USA")
    chn = join(pages.new(), server, code, "Jo", "CHN")
    usa.get_by_test_id("chat").get_by_role("tab", name="China").click()
    usa.get_by_test_id("chat-text").fill("Rare earths <b>licence</b>?")
    usa.get_by_test_id("chat-text").press("Enter")
    tab = chn.get_by_test_id("chat").get_by_role("tab", name="United States")
    expect(tab.locator(".badge")).to_have_text("1")
    tab.click()
    msg = chn.get_by_test_id("messages").locator(".msg-text")
    expect(msg).to_have_text("Rare earths <b>licence</b>?")  # shown as text, never as markup
    expect(chn.get_by_test_id("messages").locator("b")).to_have_count(0)


def test_player_goes_offline_and_reconnects_after_restart(tmp_path, pages: Pages) -> None:
    srv = ForgeServer(tmp_path)
    srv.migrate()
    srv.start()
    try:
        code = str(srv.new_game("--start")["code"])
        page = join(pages.new(), srv, code, "Kim", "USA")
        expect(page.get_by_test_id("phase")).to_have_text("Negotiation")
        before = seq(page)
        srv.stop()
        expect(page.get_by_test_id("net")).to_have_text("offline — reconnecting")
        expect(page.get_by_test_id("offline-banner")).to_be_visible()
        expect(page.get_by_test_id("offline-banner")).to_contain_text("Offline — reconnecting")
        # The game moves on while this page cannot hear about it.
        srv.apply(code, json.dumps({"type": "advance"}))
        srv.start()
        expect(page.get_by_test_id("net")).to_have_text("online", timeout=30_000)
        expect(page.get_by_test_id("offline-banner")).to_be_hidden()
        expect(page.get_by_test_id("phase")).to_have_text("Orders")
        assert seq(page) > before
        # And it works again: an action goes through and is acknowledged.
        page.get_by_test_id("ready").click()
        expect(page.get_by_test_id("ready")).to_have_text("Ready ✓ (undo)")
    finally:
        srv.stop()


def test_counter_offer_then_accept_and_withdraw(server: ForgeServer, pages: Pages, new_game
                                                ) -> None:
    code = new_game("--start")
    eu = join(pages.new(), server, code, "Lu", "EU")
    cod = join(pages.new(), server, code, "Mo", "COD")
    builder = eu.get_by_test_id("deal-builder")
    builder.get_by_test_id("deal-partner").select_option("COD")
    builder.get_by_test_id("add-clause").click()  # supply: the partner sells
    row = builder.locator(".clause-row").first
    row.get_by_label("Mineral").select_option("cobalt")
    row.get_by_label("Form").select_option("refined")
    row.get_by_label("Price ($ million per lot)").fill("40")
    builder.get_by_test_id("clause-kind").select_option("standards")
    builder.get_by_test_id("add-clause").click()
    builder.get_by_test_id("propose").click()
    expect(eu.get_by_test_id("outgoing-deal")).to_have_count(1)
    # DR Congo counters at a higher price; the builder opens pre-filled with the terms.
    offer = cod.get_by_test_id("incoming-deal")
    expect(offer).to_contain_text("at $40M/lot")
    offer.get_by_role("button", name="Counter-offer").click()
    cb = cod.get_by_test_id("deal-builder")
    expect(cb.locator(".clause-row")).to_have_count(2)
    cb.locator(".clause-row").first.get_by_label("Price ($ million per lot)").fill("55")
    cb.get_by_role("button", name="Send counter-offer").click()
    expect(cod.get_by_test_id("outgoing-deal")).to_contain_text("at $55M/lot")
    counter = eu.get_by_test_id("incoming-deal")
    expect(counter).to_contain_text("counter-offer 1")
    expect(counter).to_contain_text(
        "DR Congo sells 1 lot/round of refined Cobalt to European Union at $55M/lot")
    expect(counter).to_contain_text("Both keep an environmental standard of at least 1")
    counter.get_by_role("button", name="Accept").click()
    expect(eu.get_by_test_id("active-deal")).to_contain_text("$55M/lot")
    expect(cod.get_by_test_id("active-deal")).to_contain_text("$55M/lot")
    # A second offer, withdrawn by its proposer, disappears from both sides.
    builder.get_by_test_id("deal-partner").select_option("COD")
    builder.get_by_test_id("clause-kind").select_option("payment")
    builder.get_by_test_id("add-clause").click()
    builder.get_by_test_id("propose").click()
    expect(cod.get_by_test_id("incoming-deal")).to_have_count(1)
    eu.get_by_test_id("outgoing-deal").get_by_role("button", name="Withdraw").click()
    expect(eu.get_by_test_id("outgoing-deal")).to_have_count(0)
    expect(cod.get_by_test_id("incoming-deal")).to_have_count(0)


def test_forge_application_vote_and_event_prompt(server: ForgeServer, pages: Pages, new_game
                                                 ) -> None:
    code = new_game("--start")
    server.apply(code, json.dumps({"type": "advance"}))  # round 1 orders
    server.apply(code, json.dumps({"type": "advance"}))  # round 2: China's export controls
    chn = join(pages.new(), server, code, "Ni", "CHN")
    usa = join(pages.new(), server, code, "Ola", "USA")
    expect(usa.get_by_test_id("round")).to_contain_text("Round 2 of")
    # The card asks the US how to respond: options are buttons until answered.
    prompt = usa.get_by_test_id("prompt").first
    expect(prompt).to_be_visible()
    buttons = prompt.get_by_role("button")
    expect(buttons.first).to_be_visible()
    label = buttons.first.inner_text()
    buttons.first.click()
    expect(prompt.get_by_role("button")).to_have_count(0)
    expect(prompt).to_contain_text(f"✓ {label}")
    # China applies to FORGE; a member votes on the motion.
    chn.get_by_role("button", name="Apply to join FORGE").click()
    expect(chn.get_by_test_id("forge")).to_contain_text("Your application is before the members.")
    motion = usa.get_by_test_id("motions").locator(".motion").filter(has_text="China join FORGE")
    expect(motion.get_by_role("button", name="Yes")).to_be_visible()
    motion.get_by_role("button", name="Yes").click()
    expect(motion).to_contain_text("You voted yes.")
    expect(motion.get_by_role("button", name="Yes")).to_have_count(0)


def test_facilitator_cards_seats_people_and_announcements(server: ForgeServer, pages: Pages,
                                                          new_game) -> None:
    code = new_game("--start")
    player = join(pages.new(), server, code, "Pat", "JPN")
    projector = pages.new(1600, 900)
    projector.goto(server.url(f"/g/{code}/watch/"))
    fac = login_facilitator(pages.new(1400, 1000), server, code)
    fac.on("dialog", lambda d: d.accept())
    # Someone joins after the console opened: the roster is pushed, no refresh needed.
    join(pages.new(), server, code, "Quinn", "AUS")
    expect(fac.get_by_test_id("seats").locator("tr[data-seat='AUS']")).to_contain_text("Quinn")
    # The deck lists card titles, not just ids.
    first = fac.get_by_test_id("deck-select").locator("option").first
    expect(first).not_to_have_text(re.compile(r"\([a-z0-9_]+\)|_"))  # titles, no ids
    # Preview the next card, then fire one written on the spot.
    fac.get_by_test_id("preview-card").click()
    expect(fac.get_by_test_id("preview").locator(".card-title")).not_to_be_empty()
    cards = fac.locator("#cards")
    cards.get_by_text("Write a card on the spot").click()
    cards.get_by_label("Title").fill("Port strike in Antofagasta")
    cards.get_by_label("Text").fill("Chilean lithium exports stall for a week.")
    cards.get_by_role("button", name="Fire written card").click()
    # beside the round's own card, not over it
    for page in (player, projector):
        expect(page.get_by_test_id("fired-card")).to_contain_text("Port strike in Antofagasta")
        expect(page.get_by_test_id("card")).not_to_contain_text("Port strike")
    # The timer: one more minute.
    before = player.evaluate("window.forge.store.remainingMs()")
    fac.get_by_test_id("extend-60").click()
    player.wait_for_function("b => window.forge.store.remainingMs() > b + 30000", arg=before)
    # An announcement reaches the projector.
    fac.get_by_test_id("announce-text").fill("Five minutes to the orders phase.")
    fac.locator("#table").get_by_role("button", name="Announce").click()
    expect(projector.get_by_test_id("announcements")).to_contain_text(
        "Five minutes to the orders phase.")
    # A seat handed to a bot.
    row = fac.get_by_test_id("seats").locator("tr[data-seat='COD']")
    row.get_by_label("Who plays DR Congo", exact=True).select_option("bot:passive")
    row.get_by_role("button", name="Set who plays DR Congo").click()
    expect(fac.get_by_test_id("private-panels").locator("details[data-seat='COD'] summary")
           ).to_contain_text("Computer: quiet")
    # School mode turns free chat off on the players' pages.
    fac.get_by_test_id("school-mode").check()
    fac.locator("#table").get_by_role("button", name="Save settings").click()
    expect(player.get_by_test_id("chat")).to_contain_text("Free chat is off")
    expect(player.get_by_test_id("chat-text")).to_be_hidden()
    # A person removed: their page says so and stops reconnecting.
    fac.get_by_role("button", name="Refresh people").click()
    jpn = fac.get_by_test_id("seats").locator("tr[data-seat='JPN']")
    expect(jpn).to_contain_text("Pat")
    jpn.get_by_role("button", name="Remove").click()
    expect(player.get_by_test_id("net")).to_have_text("disconnected")
    expect(player.get_by_test_id("offline-banner")).to_contain_text("removed")


def test_advisor_button_follows_the_setting_and_shows_advice(server: ForgeServer, pages: Pages,
                                                             new_game) -> None:
    code = new_game("--start", "--advisor")
    usa = join(pages.new(), server, code, "Uma", "USA")
    ask = usa.get_by_test_id("ask-advisor")
    expect(ask).to_be_visible()
    ask.click()
    advice = usa.get_by_test_id("advice")
    expect(advice).to_contain_text("Advice for round 1, Negotiation")
    expect(advice.get_by_test_id("advice-proposal")).to_contain_text("Propose to")
    expect(advice.get_by_test_id("advice-proposal")).to_contain_text("points to your score")
    # The facilitator switches it off: the button goes.
    fac = login_facilitator(pages.new(1400, 1000), server, code)
    fac.get_by_test_id("advisor-setting").uncheck()
    fac.locator("#table").get_by_role("button", name="Save settings").click()
    expect(usa.get_by_test_id("advisor")).to_be_hidden()


def test_a_hidden_message_disappears_from_players_and_greys_for_the_facilitator(
        server: ForgeServer, pages: Pages, new_game) -> None:
    code = new_game("--start")
    usa = join(pages.new(), server, code, "Vi", "USA")
    chn = join(pages.new(), server, code, "Wu", "CHN")
    fac = login_facilitator(pages.new(1400, 1000), server, code)
    usa.get_by_test_id("chat-text").fill("Something rude")
    usa.get_by_test_id("chat-text").press("Enter")
    for page in (usa, chn, fac):
        expect(page.get_by_test_id("messages")).to_contain_text("Something rude")
    fac.get_by_test_id("messages").locator("li.msg").filter(has_text="Something rude") \
        .get_by_role("button", name="Hide").click()
    for page in (usa, chn):
        expect(page.get_by_test_id("messages")).not_to_contain_text("Something rude")
    hidden = fac.get_by_test_id("messages").locator("li.msg-hidden")
    expect(hidden).to_contain_text("Something rude")


def test_patched_view_equals_a_fresh_whole_view(server: ForgeServer, pages: Pages, new_game
                                                ) -> None:
    code = new_game("--start")
    usa = join(pages.new(), server, code, "Xi", "USA")
    aus = join(pages.new(), server, code, "Yu", "AUS")
    usa.evaluate("""() => {
      window.__frames = [];
      const ws = window.forge.conn.ws;
      ws.addEventListener("message", (e) => window.__frames.push(JSON.parse(e.data)));
    }""")
    aus.get_by_test_id("ready").click()
    propose_payment(aus, "USA", 5)
    expect(usa.get_by_test_id("incoming-deal")).to_have_count(1)
    wait_seq(usa, seq(aus))
    frames = usa.evaluate("window.__frames.filter((f) => f.type === 'state')")
    assert frames and all("patch" in f and "view" not in f for f in frames)
    patched = usa.evaluate("JSON.stringify(window.forge.store.view)")
    usa.evaluate("window.forge.conn.request('sync', {}, {safe: true})")
    usa.wait_for_function("() => window.__frames.some((f) => f.type === 'state' && f.view)")
    assert json.loads(usa.evaluate("JSON.stringify(window.forge.store.view)")) == \
        json.loads(patched)


def propose_payment(page: Page, partner: str, amount: int) -> None:
    """Propose, through the deal builder, that this seat pays `partner` once."""
    builder = page.get_by_test_id("deal-builder")
    builder.get_by_test_id("deal-partner").select_option(partner)
    builder.get_by_test_id("clause-kind").select_option("payment")
    builder.get_by_test_id("add-clause").click()
    builder.locator(".clause-row").first.get_by_label("Amount ($ million)").fill(str(amount))
    builder.get_by_test_id("propose").click()
