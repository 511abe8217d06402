"""The briefing quiz as the facilitator sees it, from the server (negotiation/briefing.py):
each answer a student gives on the phone reaches the console as it happens (how many right,
how many wrong tries); the answer that makes all three right passes the quiz and briefs the
student, with how many were right at the first try; before round 1 a country whose people
are briefed shows as ready. A reloaded console shows the same: the server kept it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.checks import Checks
from tests.browser.conftest import Pages, join, login_facilitator
from tests.browser.server import ForgeServer


def test_the_console_follows_each_students_quiz(server: ForgeServer, pages: Pages,
                                                new_game) -> None:
    code = new_game("--bots", "CHN=hawk")
    fac = login_facilitator(pages.new(1366, 900), server, code)
    ana = join(pages.new(375, 760, is_mobile=True, has_touch=True), server, code, "Ana", "USA")
    join(pages.new(375, 760, is_mobile=True, has_touch=True), server, code, "Ben", "AUS")
    seats = fac.get_by_test_id("seats")
    usa = seats.locator("tr[data-seat='USA']")
    aus = seats.locator("tr[data-seat='AUS']")
    expect(usa.get_by_test_id("not-briefed")).to_be_visible()
    expect(usa.get_by_test_id("seat-ready")).to_have_text("—")

    questions = ana.get_by_test_id("briefing").get_by_test_id("quiz-question")
    expect(questions).to_have_count(3)
    first = questions.nth(0)
    first.locator("label:has(input[data-right='0'])").first.click()  # wrong first
    progress = usa.get_by_test_id("quiz-progress")
    expect(progress).to_contain_text("0 of 3 right, 1 wrong")
    first.locator("label:has(input[data-right='1'])").click()
    questions.nth(1).locator("label:has(input[data-right='1'])").click()
    expect(progress).to_contain_text("2 of 3 right, 1 wrong")
    expect(usa.get_by_test_id("is-briefed")).to_have_count(0)  # not passed yet
    questions.nth(2).locator("label:has(input[data-right='1'])").click()
    expect(ana.get_by_test_id("briefed")).to_contain_text("2 of 3")
    passed = usa.get_by_test_id("is-briefed")
    expect(passed).to_have_text("✓ briefed, quiz passed (2/3 first try)")
    expect(usa.get_by_test_id("seat-ready")).to_have_text("✓ briefed")
    expect(aus.get_by_test_id("not-briefed")).to_be_visible()  # Ben has not begun
    expect(aus.get_by_test_id("seat-ready")).to_have_text("—")
    expect(fac.get_by_test_id("briefed-count")).to_have_text("Briefed and ready: 1 of 2 people.")
    checks = Checks("en")
    checks.page(fac, "console, quiz status", shot="en-0-console-quiz")
    checks.narrow(fac, "console, quiz status")

    fac.reload()  # what the console shows comes from the server
    expect(fac.get_by_test_id("net")).to_have_text("online")
    expect(fac.locator("tr[data-seat='USA']").get_by_test_id("is-briefed")).to_have_text(
        "✓ briefed, quiz passed (2/3 first try)")
    checks.assert_clean()
