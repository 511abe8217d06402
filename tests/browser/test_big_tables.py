"""The big tables: ministerial-2026 (13 seats) and g20-summit (16 seats) on the projector
and on a phone. The projector at 1920x1080 must show every state without scrolling, with
text of 24 px or more (the back of a room reads it): waiting for players, during play,
after a round's report, and every tab of the debrief. A 375 px phone must never scroll
sideways in those states. One country is a student's (the United States); the computer
plays the others, so deals and reports fill the lists as in a real class.

Screenshots go to test-artifacts/big-<scenario>-<state>-<who>.png."""

from __future__ import annotations

import json
import re
from itertools import cycle
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import Checks
from tests.browser.conftest import Pages, join
from tests.browser.server import ForgeServer

ROOT = Path(__file__).resolve().parents[2]
STUDENT = "USA"
TABS = ("ranking", "rounds", "prices", "deals", "discuss")


def seat_ids(scenario: str) -> list[str]:
    data = json.loads((ROOT / "fixtures" / "scenarios" / f"{scenario}.json").read_text())
    return [c["id"] for c in data["countries"]]


def wait_phase(page: Page, phase: str, round_: int | None = None) -> None:
    page.wait_for_function(
        """([p, r]) => { const v = window.forge && window.forge.store.view;
           return v && v.phase === p && (r === null || v.round === r); }""",
        arg=[phase, round_], timeout=60_000)


# Spanish runs longer than English: the biggest table is checked in both
LOCALES = {"en": "en-GB", "es": "es-ES"}
COUNTRIES = {"en": r"countries \d+ to \d+ of ", "es": r"países \d+ a \d+ de "}


@pytest.mark.parametrize(("scenario", "seats", "lang"), [
    ("ministerial-2026", 13, "en"), ("g20-summit", 16, "en"), ("g20-summit", 16, "es")])
def test_a_big_table_fits_the_projector_and_a_phone(server: ForgeServer, pages: Pages,
                                                    scenario: str, seats: int,
                                                    lang: str) -> None:
    ids = seat_ids(scenario)
    assert len(ids) == seats
    strategies = cycle(("cooperative", "hawk", "cooperative", "passive"))
    bots = ",".join(f"{s}={next(strategies)}" for s in ids if s != STUDENT)
    code = str(server.new_game("--scenario", scenario, "--bots", bots)["code"])
    checks = Checks(lang)
    name = f"big-{scenario}" + ("" if lang == "en" else f"-{lang}")
    loc = LOCALES[lang]

    projector = pages.new(1920, 1080, locale=loc)
    projector.goto(server.url(f"/g/{code}/watch/"))
    expect(projector.get_by_test_id("net")).to_have_class(re.compile(r"\bnet-online\b"))
    phone = join(pages.new(375, 760, is_mobile=True, has_touch=True, locale=loc), server, code,
                 "Ana",
                 STUDENT)

    def look(state: str, *, phone_too: bool = True) -> None:
        projector.wait_for_timeout(200)  # charts and lists settle after a push
        checks.page(projector, f"{scenario} projector, {state}",
                    shot=f"{name}-{state}-projector", full=False)
        checks.projector(projector, f"{scenario} projector, {state}")
        if phone_too:
            checks.page(phone, f"{scenario} phone, {state}", shot=f"{name}-{state}-phone")

    wait_phase(projector, "lobby")
    look("waiting")

    server.apply(code, json.dumps({"type": "start"}))
    wait_phase(projector, "negotiation", 1)
    wait_phase(phone, "negotiation", 1)
    projector.wait_for_timeout(1500)  # the computer's seats make their first offers
    look("round-1")

    rounds = int(projector.evaluate("window.forge.store.view.rounds"))
    for _ in range(2):  # round 1 resolves: reports, prices, the headline of every seat
        server.apply(code, json.dumps({"type": "advance"}))
    wait_phase(projector, "negotiation", 2)
    wait_phase(phone, "negotiation", 2)
    projector.wait_for_timeout(1500)
    look("round-2")
    # the countries table pages through the countries it cannot show at once, each page
    # whole on the screen
    caption = projector.locator("#headline caption")
    expect(caption).to_contain_text(re.compile(COUNTRIES[lang] + str(seats)))
    first_page = caption.inner_text()
    assert projector.evaluate("""() => { const el = document.getElementById('headline');
      const area = el.closest('.area').getBoundingClientRect();
      return el.getBoundingClientRect().bottom <= area.bottom + 1; }""")
    expect(caption).not_to_have_text(first_page, timeout=12_000)
    look("round-2-countries-page-2", phone_too=False)
    phone.locator("#reports").scroll_into_view_if_needed()
    checks.overflow(phone, f"{scenario} phone, round 2 report")

    for _ in range(2 * (rounds - 1)):
        server.apply(code, json.dumps({"type": "advance"}))
    for page in (projector, phone):
        wait_phase(page, "ended")
        expect(page.get_by_test_id("debrief")).to_be_visible()
        expect(page.get_by_test_id("scores").locator("li.rank-item")).to_have_count(seats)
    for i, tab in enumerate(TABS):
        for page in (projector, phone):
            page.get_by_test_id(f"debrief-tab-{tab}").click()
            expect(page.get_by_test_id(f"debrief-{tab}")).to_be_visible()
        if tab == "rounds":  # a line per seat over every round, and the same as a table
            for page in (projector, phone):
                pane = page.get_by_test_id("debrief-rounds")
                expect(pane.locator("svg g.series")).to_have_count(seats)
                expect(pane.locator("table tbody tr")).to_have_count(seats)
                expect(pane.locator("table thead th")).to_have_count(rounds + 1)
        look(f"debrief-{i + 1}-{tab}")
        if tab == "ranking":  # the projector pages through the places, each page on screen
            seen = ranking_pages(projector, checks, name, scenario)
            assert sorted(seen) == sorted(ids), seen  # each seat once, on some page
    checks.assert_clean()


def ranking_pages(projector: Page, checks: Checks, name: str, scenario: str) -> list[str]:
    """Every page of the projector's ranking, checked; the seats each shows, in order."""
    shown = projector.locator("li.rank-item:visible")
    note = projector.get_by_test_id("rank-page")
    expect(note).to_be_visible()  # a big table does not fit one page
    seen: list[str] = []
    page = 1
    while True:
        seen += [str(s) for s in shown.evaluate_all("els => els.map(e => e.dataset.seat)")]
        assert 1 <= shown.count() <= 6, seen
        if page > 1:
            checks.page(projector, f"{scenario} projector, ranking page {page}",
                        shot=f"{name}-debrief-1-ranking-p{page}-projector", full=False)
            checks.projector(projector, f"{scenario} projector, ranking page {page}")
        text = note.inner_text()
        first, last, total = map(int, re.findall(r"\d+", text))
        assert last - first + 1 == shown.count()
        if last == total:
            break
        projector.get_by_test_id("debrief-next").click()
        expect(note).not_to_have_text(text)
        page += 1
    projector.get_by_test_id("debrief-next").click()  # past the last page: the next tab
    expect(projector.get_by_test_id("debrief-rounds")).to_be_visible()
    projector.get_by_test_id("debrief-tab-ranking").click()
    return seen
