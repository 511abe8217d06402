"""The door's pages in both languages, as a phone (375 px) and a projector (1920 px) see them: the
lobby, How to play, teacher log in, the create form (with a refused choice), the join
pages (code, countries), a game that does not exist, and the language switch. On each:
axe-core finds no serious or critical violation, nothing is wider than the window, and in
Spanish no text is left in English. Screenshots to test-artifacts/door-<lang>-*.png."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import Checks
from tests.browser.conftest import Pages
from tests.browser.server import PASSWORD, USERNAME, ForgeServer

LOCALES = {"en": "en-GB", "es": "es-ES"}


def phone(pages: Pages, lang: str) -> Page:
    return pages.new(375, 760, is_mobile=True, has_touch=True, locale=LOCALES[lang])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_door_pages_are_accessible_narrow_and_translated(
        server: ForgeServer, pages: Pages, new_game: Callable[..., str], lang: str) -> None:
    code = new_game()  # also makes the facilitator account
    checks = Checks(lang)
    p = phone(pages, lang)
    for path, name in (("/", "lobby"), ("/help/", "help"), ("/accounts/login/", "login"),
                       ("/join/", "join-code"), (f"/join/?code={code}", "join-countries"),
                       ("/join/?code=ZZZZZZ", "join-unknown"), ("/no-such-page/", "404")):
        p.goto(server.url(path))
        expect(p.locator("html")).to_have_attribute("lang", lang)
        checks.page(p, f"{name} (phone)", shot=f"door-{lang}-{name}")
    # The teacher logs in on a phone and makes a mistake on the create form.
    p.goto(server.url("/accounts/login/"))
    p.locator("#id_username").fill(USERNAME)
    p.locator("#id_password").fill(PASSWORD)
    p.locator("form.stack button").click()
    p.wait_for_url(server.url("/"))
    seats = p.get_by_test_id("seats-classroom-lite")
    for seat in ("USA", "CHN", "EU", "JPN", "AUS", "COD"):
        seats.locator(f"select[data-seat='{seat}']").select_option("bot:passive")
    p.get_by_test_id("create").click()
    expect(p.get_by_test_id("form-error")).to_be_visible()
    checks.page(p, "create form refused (phone)", shot=f"door-{lang}-create-refused")
    # The same pages on a projector-sized screen (1920x1080).
    wide = pages.new(1920, 1080, locale=LOCALES[lang])
    for path, name in (("/", "lobby"), ("/help/", "help"),
                       (f"/join/?code={code}", "join-countries")):
        wide.goto(server.url(path))
        checks.page(wide, f"{name} (1920 px)", shot=f"door-{lang}-{name}-wide")
    checks.assert_clean()


def test_the_language_switch_changes_every_page(server: ForgeServer, pages: Pages) -> None:
    p = phone(pages, "en")
    p.goto(server.url("/help/"))
    expect(p.locator("h1")).to_have_text("How to play")
    p.get_by_test_id("language").first.select_option("es")
    p.locator("form.lang-form").first.locator("button").click()
    expect(p.locator("h1")).to_have_text("Cómo se juega")
    p.goto(server.url("/"))  # the choice is kept (cookie) on the next page
    expect(p.locator("html")).to_have_attribute("lang", "es")
    expect(p.get_by_test_id("join-box")).to_contain_text("Código de la partida")
