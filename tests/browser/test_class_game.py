"""A whole classroom-lite game through the pages only, in English and in Spanish (the
browser's language chooses): the teacher logs in and creates the game with the create
form (two countries for students, two for the computer, two left to absent students), opens
the console and the projector; two students join on 375 px phones, make a deal, answer the
event question, mark themselves ready and give their orders, round after round, to the
debrief; then the teacher archives, restores and deletes the game from the lobby.

In every state each page is checked (tests/browser/checks.py): axe-core finds no serious
or critical violation, nothing overflows (the phones, and the console and projector made
375 px wide), the projector fits 1920x1080 with text of 24 px or more, and in Spanish no
text is left in English. Screenshots go to test-artifacts/<lang>-<state>-<who>.png: the
facilitator guide (docs/facilitator-guide.md) shows them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import Checks
from tests.browser.conftest import Pages
from tests.browser.server import PASSWORD, USERNAME, ForgeServer

LOCALES = {"en": "en-GB", "es": "es-ES"}
WORDS = {  # the few button names the test clicks by name
    "en": {"accept": "Accept", "archive": "Archive", "restore": "Restore", "delete": "Delete",
           "usa": "United States"},
    "es": {"accept": "Aceptar", "archive": "Archivar", "restore": "Recuperar", "delete": "Borrar",
           "usa": "Estados Unidos"},
}
HUMANS = ("USA", "AUS")
BOTS = {"CHN": "bot:hawk", "COD": "bot:cooperative"}  # EU and JPN: students who stayed away


def online(page: Page) -> None:
    expect(page.get_by_test_id("net")).to_have_class(re.compile(r"\bnet-online\b"))


def wait_phase(page: Page, phase: str, round_: int | None = None) -> None:
    page.wait_for_function(
        """([p, r]) => { const v = window.forge && window.forge.store.view;
           return v && v.phase === p && (r === null || v.round === r); }""",
        arg=[phase, round_], timeout=30_000)


def end_phase(fac: Page, phase: str, round_: int) -> None:
    """The teacher ends the phase (two countries have nobody to press "ready")."""
    wait_phase(fac, phase, round_)
    fac.get_by_test_id("ctl-advance").click()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_class_plays_a_whole_game_through_the_pages(server: ForgeServer, pages: Pages,
                                                      lang: str) -> None:
    server.new_game()  # makes sure the teacher's account exists
    checks = Checks(lang)
    loc = LOCALES[lang]
    w = WORDS[lang]

    # ---- the teacher: log in, create the game with the form --------------------------------
    fac = pages.new(1366, 900, locale=loc)
    fac.goto(server.url("/accounts/login/?next=/"))
    fac.locator("#id_username").fill(USERNAME)
    fac.locator("#id_password").fill(PASSWORD)
    fac.locator("form.stack button").click()
    fac.wait_for_url(server.url("/"))
    fac.get_by_test_id("scenario").select_option("classroom-lite")
    seats = fac.get_by_test_id("seats-classroom-lite")
    for seat, ctl in BOTS.items():
        seats.locator(f"select[data-seat='{seat}']").select_option(ctl)
    checks.page(fac, "lobby with the create form", shot=f"{lang}-0-create-form")
    fac.get_by_test_id("create").click()
    fac.wait_for_url("**/facilitate/")
    code = fac.url.split("/g/")[1].split("/")[0]
    online(fac)
    expect(fac.locator("#share svg.qr")).to_be_visible()

    projector = pages.new(1920, 1080, locale=loc)
    projector.goto(server.url(f"/g/{code}/watch/"))
    online(projector)
    expect(projector.get_by_test_id("join-panel").locator("svg.qr")).to_be_visible()

    # ---- two students join on phones ----------------------------------------------------------
    phones: dict[str, Page] = {}
    for name, seat in (("Ana", "USA"), ("Ben", "AUS")):
        ph = pages.new(375, 760, is_mobile=True, has_touch=True, locale=loc)
        ph.goto(server.url(f"/join/?code={code}"))
        expect(ph.locator("#seat-CHN")).to_be_disabled()
        checks.page(ph, f"join page ({name})", shot=f"{lang}-0-join-{seat.lower()}")
        ph.locator("#join-name").fill(name)
        ph.locator(f"#seat-{seat}").check()
        ph.get_by_test_id("join").click()
        ph.wait_for_url(f"**/g/{code}/play/")
        online(ph)
        phones[seat] = ph
    usa, aus = phones["USA"], phones["AUS"]
    wait_phase(usa, "lobby")
    checks.page(usa, "player console, waiting", shot=f"{lang}-0-phone-waiting")

    # ---- the briefing and its quiz, before round 1 --------------------------------------------
    for seat, ph in phones.items():
        briefing = ph.get_by_test_id("briefing")
        expect(briefing).to_be_visible()
        questions = briefing.get_by_test_id("quiz-question")
        expect(questions).to_have_count(3)
        expect(fac.get_by_test_id("not-briefed").first).to_be_visible()
        for i in range(3):
            q = questions.nth(i)
            if seat == "USA" and i == 0:  # a wrong answer first: told so, may try again
                q.locator("label:has(input[data-right='0'])").first.click()
                expect(q.locator(".quiz-feedback.warn-line")).to_be_visible()
            q.locator("label:has(input[data-right='1'])").click()
            expect(q.locator(".quiz-feedback.ok-line")).to_be_visible()
        expect(ph.get_by_test_id("briefed")).to_be_visible()
        if seat == "USA":
            checks.page(ph, "player console, briefing done", shot=f"{lang}-0-phone-briefing")
    expect(fac.get_by_test_id("is-briefed")).to_have_count(2)
    expect(fac.get_by_test_id("is-briefed").filter(has_text="3/3")).to_have_count(1)  # Ben
    expect(fac.get_by_test_id("briefed-count")).to_contain_text("2")
    checks.page(fac, "console, waiting", shot=f"{lang}-0-console-waiting")
    checks.narrow(fac, "console, waiting")
    checks.page(projector, "projector, waiting", shot=f"{lang}-0-projector-waiting", full=False)
    checks.projector(projector, "projector, waiting")
    checks.narrow(projector, "projector, waiting")

    # ---- round 1: a deal between the two students ---------------------------------------------
    fac.get_by_test_id("ctl-start").click()
    for page in (usa, aus, projector, fac):
        wait_phase(page, "negotiation", 1)
    builder = usa.get_by_test_id("deal-builder")
    builder.get_by_test_id("deal-partner").select_option("AUS")
    builder.get_by_test_id("clause-kind").select_option("supply")
    builder.get_by_test_id("add-clause").click()
    row = builder.locator(".clause-row").first
    row.locator("select[data-field='role']").select_option("them")
    row.locator("select[data-field='mineral']").select_option("lithium")
    row.locator("select[data-field='form']").select_option("ore")
    row.locator("input[data-field='qty']").fill("2")
    row.locator("input[data-field='price']").fill("7")
    builder.get_by_test_id("deal-rounds").fill("2")
    builder.get_by_test_id("propose").click()
    offer = aus.get_by_test_id("incoming-deal").filter(has_text=w["usa"])  # bots offer too
    expect(offer).to_have_count(1)
    expect(aus.get_by_test_id("badge-deals")).to_be_visible()
    checks.page(usa, "player console, negotiation", shot=f"{lang}-1-phone-negotiation")
    checks.page(aus, "player console, an offer arrives", shot=f"{lang}-1-phone-offer")
    offer.get_by_role("button", name=w["accept"], exact=True).click()
    expect(projector.get_by_test_id("signed-deal").filter(has_text=w["usa"])).to_have_count(1)
    checks.page(fac, "console, negotiation", shot=f"{lang}-1-console-negotiation")
    checks.page(projector, "projector, negotiation", shot=f"{lang}-1-projector-negotiation",
                full=False)
    checks.projector(projector, "projector, negotiation")
    for ph in (usa, aus):
        ph.get_by_test_id("ready").click()
        expect(ph.get_by_test_id("ready")).to_have_attribute("aria-pressed", "true")
    end_phase(fac, "negotiation", 1)

    # ---- orders, resolution, rounds 2 and 3 ---------------------------------------------------
    for rnd in (1, 2, 3):
        for ph in (usa, aus):
            wait_phase(ph, "orders", rnd)
            expect(ph.get_by_test_id("submit-defaults")).to_be_visible()
        if rnd == 1:
            checks.page(usa, "player console, orders", shot=f"{lang}-1-phone-orders")
        for ph in (usa, aus):
            ph.get_by_test_id("submit-defaults").click()
            expect(ph.get_by_test_id("orders-status")).to_contain_text("✓")
        end_phase(fac, "orders", rnd)
        if rnd == 3:
            break
        for page in (usa, aus, fac, projector):
            wait_phase(page, "negotiation", rnd + 1)
        if rnd == 1:  # round 2: reports, prices, an event question for the United States
            expect(usa.get_by_test_id("report-private")).to_be_visible()
            prompt = usa.get_by_test_id("prompt").filter(has=usa.locator(".btn-row button"))
            if prompt.count():
                checks.page(usa, "player console, event question", shot=f"{lang}-2-phone-event")
                prompt.first.locator(".btn-row button").first.click()
                expect(usa.locator("[data-testid='prompt'] .btn-row button")).to_have_count(0)
            usa.locator("#reports").scroll_into_view_if_needed()
            checks.page(usa, "player console, round report", shot=f"{lang}-2-phone-report")
            checks.page(fac, "console, round 2", shot=f"{lang}-2-console")
            checks.narrow(fac, "console, round 2", shot=f"{lang}-2-console-narrow")
            checks.page(projector, "projector, round 2", shot=f"{lang}-2-projector", full=False)
            checks.projector(projector, "projector, round 2")
            checks.narrow(projector, "projector, round 2")
        end_phase(fac, "negotiation", rnd + 1)

    # ---- the debrief, everywhere: five tabs, each checked on the phone and the projector -------
    for page in (usa, aus, fac, projector):
        wait_phase(page, "ended")
        expect(page.get_by_test_id("debrief")).to_be_visible()
        expect(page.get_by_test_id("scores").locator("li.rank-item")).to_have_count(6)
        expect(page.get_by_test_id("briefing")).to_be_hidden()
    ranking = projector.get_by_test_id("scores")
    expect(ranking.locator("li.rank-item").first.locator("ul.why li")).not_to_have_count(0)
    parts = {
        "ranking": lambda p: expect(p.get_by_test_id("scores")).to_be_visible(),
        "rounds": lambda p: expect(p.get_by_test_id("debrief-rounds").locator("svg path")
                                   ).not_to_have_count(0),
        "prices": lambda p: expect(p.get_by_test_id("debrief-price-charts").locator("figure.chart")
                                   ).to_have_count(3),
        "deals": lambda p: (expect(p.get_by_test_id("debrief-deals").locator("svg.network line")
                                   ).not_to_have_count(0),
                            # the phone lists its own deals first: the students' deal
                            p is projector or expect(p.get_by_test_id("promises").locator(
                                "li").first).to_contain_text(w["usa"])),
        "discuss": lambda p: expect(p.get_by_test_id("questions").locator("li")
                                    ).to_have_count(4),
    }
    for i, (part, check) in enumerate(parts.items()):
        for who, page in (("phone", usa), ("projector", projector)):
            page.get_by_test_id(f"debrief-tab-{part}").click()
            expect(page.get_by_test_id(f"debrief-{part}")).to_be_visible()
            check(page)
            label = f"{who} debrief, {part}"
            if who == "phone":
                checks.page(page, label, shot=f"{lang}-3-phone-debrief-{i + 1}-{part}")
            else:
                page.wait_for_timeout(150)
                checks.page(page, label, shot=f"{lang}-3-projector-debrief-{i + 1}-{part}",
                            full=False)
                checks.projector(page, label)
    projector.get_by_test_id("debrief-tab-discuss").focus()  # the tabs answer the arrow keys
    projector.keyboard.press("ArrowRight")
    expect(projector.get_by_test_id("debrief-ranking")).to_be_visible()
    checks.narrow(projector, "projector, debrief")
    checks.page(fac, "console, debrief", shot=f"{lang}-3-console-debrief")
    checks.narrow(fac, "console, debrief")

    # ---- the teacher tidies up: archive, restore, delete --------------------------------------
    fac.goto(server.url("/"))
    item = fac.locator(f"li.game-item[data-code='{code}']")
    item.get_by_role("button", name=f"{w['archive']} {code}", exact=True).click()
    expect(fac.locator(f"li.game-item[data-code='{code}']")).to_have_count(0)
    fac.locator("details summary").filter(has_text=re.compile("Archived|archivadas")).click()
    fac.locator("details li.game-item").filter(has_text=code) \
        .get_by_role("button", name=w["restore"]).click()
    item = fac.locator(f"li.game-item[data-code='{code}']")
    expect(item).to_have_count(1)
    checks.page(fac, "lobby with the teacher's games", shot=f"{lang}-4-lobby-games")
    fac.once("dialog", lambda d: d.accept())
    item.get_by_role("button", name=f"{w['delete']} {code}", exact=True).click()
    expect(fac.locator(f"li.game-item[data-code='{code}']")).to_have_count(0)
    assert fac.goto(server.url(f"/g/{code}/watch/")).status == 404  # type: ignore[union-attr]
    assert checks.count >= 15
    checks.assert_clean()
