"""Par on the pages (issue 14): a classroom-lite game played to its end by the computer
with two students watching, one in English (the United States) and one in Spanish
(Australia), and the projector. The debrief's ranking shows each country's factor beside
its total and, where the factor added or took points, a par line whose sum (parts +
objectives + par) is the total shown; each student's own panel says what its points count
and what 10 points are worth in $M. The Spanish page says all of it in Spanish (the
catalogue walk of checks.py), and the projector still fits 1920x1080 in 24 px type."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.checks import Checks
from tests.browser.conftest import Pages, join
from tests.browser.server import ForgeServer

TIMES, MINUS = "\u00d7", "\u2212"  # as the pages write them
BOTS = "CHN=cooperative,EU=cooperative,JPN=hawk,COD=cooperative"


def factor_text(per_mille: int, lang: str) -> str:
    """The factor as the page writes it: two decimals below 1, one from 1 up, halves
    rounded up (as JavaScript)."""
    x = Decimal(per_mille) / 1000
    text = str(x.quantize(Decimal("0.01") if x < 1 else Decimal("0.1"), ROUND_HALF_UP))
    if x < 1 and text.endswith("0"):
        text = text[:-1]
    return TIMES + (text.replace(".", ",") if lang == "es" else text)


def money_text(n: int, lang: str) -> str:
    """money() in format.js: en-GB groups thousands with commas, es-ES from 10,000 on."""
    if lang == "es":
        return f"${n:,}M".replace(",", ".") if n >= 10_000 else f"${n}M"
    return f"${n:,}M"


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else f"{MINUS}{-n}" if n < 0 else "0"


def wait_ended(page: Page) -> None:
    page.wait_for_function("() => { const v = window.forge && window.forge.store.view;"
                           " return v && v.phase === 'ended' && v.scores; }", timeout=60_000)


def check_own_line(page: Page, lang: str) -> dict[str, Any]:
    """The player's panel: its par (and its money's, where the window set that apart) and
    its $M per 10 points, from its own view. Returns the view's `me`."""
    me = page.evaluate("window.forge.store.view.me")
    assert isinstance(me["par"], int) and me["money_per_10_points"] > 0, me
    note = page.get_by_test_id("delegation").get_by_test_id("par-note")
    f, m = factor_text(me["par"], lang), money_text(me["money_per_10_points"], lang)
    fm = factor_text(me["par_money"], lang)
    if me["par_money"] == me["par"]:
        count = (f"Your points count {f} (par)." if lang == "en"
                 else f"Tus puntos cuentan {f} (compensación).")
    else:
        count = (f"Your points count {f} (par), those from money {fm}." if lang == "en"
                 else f"Tus puntos cuentan {f} (compensación), los del dinero {fm}.")
    expect(note).to_have_text(
        f"{count} 10 points = {m} of extra prosperity." if lang == "en"
        else f"{count} 10 puntos = {m} más de prosperidad.")
    return me


def par_points(score: dict[str, Any]) -> int:
    return sum(x["points"] for x in score["breakdown"].get("par", []))


def check_debrief(page: Page, lang: str, *, compact: bool) -> int:
    """Each country's factor beside its total and, where par moved it, the par line with a
    sum that is the total shown. Returns how many par lines were checked."""
    scores = page.evaluate("window.forge.store.view.scores")
    ranking = page.get_by_test_id("scores")
    lines = 0
    for seat, x in scores.items():
        item = ranking.locator(f"li.rank-item[data-seat='{seat}']")
        # equal totals share a place (1, 1, 3): a tie at the top is a shared win
        place = 1 + sum(y["total"] > x["total"] for y in scores.values())
        expect(item.locator(".rank-no")).to_have_text(str(place))
        f = factor_text(x["par"], lang)
        tag = item.get_by_test_id("rank-par")
        expect(tag).to_have_text(re.compile(re.escape(f)))
        expect(tag.locator(".sr-only")).to_have_text(
            f"par: points count {f}" if lang == "en" else f"compensación: los puntos cuentan {f}")
        p = par_points(x)
        line = item.get_by_test_id("par-line")
        if not p:
            expect(line).to_have_count(0)
            continue
        lines += 1
        assert x["breakdown"]["par"][0]["factor"] == x["par"]
        bonus = sum(o["points"] for o in x["breakdown"].get("objectives", []))
        avg, total = x["total"] - bonus - p, x["total"]
        assert avg + bonus + p == total
        if compact:
            expect(line).to_have_text(
                f"Parts {avg} + objectives {bonus} + par {signed(p)} = {total}" if lang == "en"
                else f"Partes {avg} + objetivos {bonus} + compensación {signed(p)} = {total}")
            continue
        more = x["par"] >= 1000
        why = {("en", True): "countries with less room to gain count their points more",
               ("en", False): "countries with more room to gain count their points less",
               ("es", True): "los países con menos margen para ganar cuentan más sus puntos",
               ("es", False): "los países con más margen para ganar cuentan menos sus puntos"}
        expect(line).to_have_text(
            f"Par {f}: {signed(p)} points ({why[lang, more]})" if lang == "en"
            else f"Compensación {f}: {signed(p)} puntos ({why[lang, more]})")
        # the sum under it: the parts' average, the objectives, par, the total
        tail = (f"; objectives: +{bonus}; par: {signed(p)}; total {total}." if lang == "en"
                else f"; objetivos: +{bonus}; compensación: {signed(p)}; total {total}.")
        expect(item.locator("ul.why li").filter(has_text=tail)).to_have_text(
            re.compile(rf": {avg}\b.*{re.escape(tail)}$"))
    return lines


def test_par_on_the_debrief_and_the_players_panel(server: ForgeServer, pages: Pages) -> None:
    code = str(server.new_game("--start", "--bots", BOTS)["code"])
    en = join(pages.new(390, 844, is_mobile=True, has_touch=True, locale="en-GB"), server,
              code, "Ann", "USA")
    es = join(pages.new(390, 844, is_mobile=True, has_touch=True, locale="es-ES"), server,
              code, "Lucía", "AUS")
    expect(es.locator("html")).to_have_attribute("lang", "es")
    projector = pages.new(1920, 1080, locale="en-GB")
    projector.goto(server.url(f"/g/{code}/watch/"))
    expect(projector.get_by_test_id("net")).to_have_class(re.compile(r"\bnet-online\b"))
    check_own_line(en, "en")
    check_own_line(es, "es")

    rounds = int(en.evaluate("window.forge.store.view.rounds"))
    for _ in range(2 * rounds):
        server.apply(code, json.dumps({"type": "advance"}))
    for page in (en, es, projector):
        wait_ended(page)
        expect(page.get_by_test_id("debrief")).to_be_visible()
    # the factors differ by country, and par moved some totals (else nothing is tested)
    scores = en.evaluate("window.forge.store.view.scores")
    assert len({x["par"] for x in scores.values()}) > 1, scores
    assert any(par_points(x) for x in scores.values()), scores

    checks_en, checks_es = Checks("en"), Checks("es")
    assert check_debrief(en, "en", compact=False) > 0
    check_own_line(en, "en")  # still there at the end
    checks_en.page(en, "phone debrief with par", shot="en-par-phone-debrief")
    assert check_debrief(es, "es", compact=False) > 0
    check_own_line(es, "es")
    checks_es.page(es, "phone debrief with par, Spanish", shot="es-par-phone-debrief")
    es.get_by_test_id("delegation").scroll_into_view_if_needed()
    checks_es.page(es, "player's panel with par, Spanish", shot="es-par-phone-delegation")
    assert check_debrief(projector, "en", compact=True) > 0
    projector.wait_for_timeout(200)
    checks_en.page(projector, "projector debrief with par", shot="en-par-projector-debrief",
                   full=False)
    checks_en.projector(projector, "projector debrief with par")
    checks_en.assert_clean()
    checks_es.assert_clean()


def test_a_seat_whose_money_counts_apart_is_told_both_factors(
    server: ForgeServer, pages: Pages,
) -> None:
    """g20-summit's Brazil has so little room that par would make its $M worth more than
    5 times another country's: its money counts x3.4 and its other points x3.5 (stored in
    fixtures/par/), and its panel says both, in English and (Canada's) in Spanish."""
    code = str(server.new_game("--scenario", "g20-summit", "--start")["code"])
    en = join(pages.new(390, 844, is_mobile=True, has_touch=True, locale="en-GB"), server,
              code, "Ana", "BRA")
    es = join(pages.new(390, 844, is_mobile=True, has_touch=True, locale="es-ES"), server,
              code, "Pablo", "CAN")
    for page, lang in ((en, "en"), (es, "es")):
        me = check_own_line(page, lang)
        assert me["par_money"] != me["par"], me
    # the debrief's par line for such a seat (the page's own module, in its language)
    said = {lang: page.evaluate("""async () => {
        const app = document.querySelector("script[type=module]").src;
        const m = await import(new URL("render/debrief.js", app).href);
        return [m.parSentence({factor: 3508, money: 3436, points: 12}),
                m.parSentence({factor: 3508, money: 3508, points: 12})];
    }""") for page, lang in ((en, "en"), (es, "es"))}
    assert said["en"][0].startswith(f"Par {TIMES}3.5, money {TIMES}3.4: +12 points ("), said
    assert said["es"][0].startswith(
        f"Compensación {TIMES}3,5, dinero {TIMES}3,4: +12 puntos ("), said
    assert said["en"][1].startswith(f"Par {TIMES}3.5: +12 points ("), said
    checks = Checks("es")
    es.get_by_test_id("delegation").scroll_into_view_if_needed()
    checks.page(es, "player's panel, money apart, Spanish", shot="es-par-money-apart")
    checks.assert_clean()
