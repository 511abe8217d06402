"""Browser tests: a real server (uvicorn in a subprocess, SQLite file, in-memory layer) and
Debian's Chromium driven by Playwright. No browser is ever downloaded: the executable is
the system's (installed by `make browser-deps`)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.server import PASSWORD, USERNAME, ForgeServer

CHROMIUM = os.environ.get("FORGE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForgeServer]:
    s = ForgeServer(tmp_path_factory.mktemp("forge-browser"))
    s.migrate()
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Pages:
    """New pages, each in its own browser context (its own cookies: its own person);
    JavaScript errors on any of them fail the test."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def new(self, width: int = 1280, height: int = 900, **kw: Any) -> Page:
        ctx = self.browser.new_context(viewport={"width": width, "height": height}, **kw)
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        return page

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    p = Pages(browser)
    yield p
    p.close()
    assert not p.errors, "JavaScript errors:\n" + "\n".join(p.errors)


# ---- helpers used by the tests ------------------------------------------------------------
def join(page: Page, server: ForgeServer, code: str, name: str, seat: str) -> Page:
    """Join the game through the join form, as a student would, and wait until online."""
    page.goto(server.url(f"/join/?code={code}"))
    page.locator("#join-name").fill(name)
    page.locator(f"#seat-{seat}").check()
    page.get_by_test_id("join").click()
    page.wait_for_url(f"**/g/{code}/play/")
    expect(page.get_by_test_id("net")).to_have_class(re.compile(r"\bnet-online\b"))  # any language
    return page


def login_facilitator(page: Page, server: ForgeServer, code: str) -> Page:
    page.goto(server.url(f"/accounts/login/?next=/g/{code}/facilitate/"))
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/g/{code}/facilitate/")
    expect(page.get_by_test_id("net")).to_have_class(re.compile(r"\bnet-online\b"))  # any language
    return page


def seq(page: Page) -> int:
    """The last state sequence number the page has rendered."""
    return int(page.evaluate(
        "window.forge && window.forge.store.seq !== null ? window.forge.store.seq : -1"))


def wait_seq(page: Page, at_least: int) -> None:
    page.wait_for_function("n => window.forge && window.forge.store.seq >= n", arg=at_least)


@pytest.fixture
def new_game(server: ForgeServer) -> Callable[..., str]:
    def make(*args: str) -> str:
        return str(server.new_game(*args)["code"])
    return make
