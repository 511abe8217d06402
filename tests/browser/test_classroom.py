"""Classroom mode and the door, as a teacher and a class meet them: `make class` serves a
phone that reaches the machine by an address and host name other than 127.0.0.1/localhost
(here 127.0.0.2 and this machine's host name, mapped to it inside the browser: all
traffic stays on loopback), with DEBUG off; the teacher logs in with the printed password,
creates a game with a person/computer choice per seat, shows the QR code; phones join by
country name; a delegation member joins a taken seat; nothing overflows a 375 px phone.
Screenshots go to test-artifacts/ (git-ignored) for docs/facilitator-guide.md."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.browser.server import ROOT, free_port

ARTIFACTS = ROOT / "test-artifacts"
LAN = "127.0.0.2"  # stands in for the classroom address


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    view = page.evaluate("window.innerWidth")
    assert width <= view + 1, f"{page.url} is {width}px wide in a {view}px window"


class ClassServer:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items()
               if k not in ("DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "REDIS_URL", "MAKEFLAGS",
                            "FORGE_PUBLIC_URL", "FORGE_DEMO_PASSWORD")}
        env.update({"HOST": LAN, "PORT": str(self.port), "DEBUG": "1",  # ignored by class
                    "DATABASE_URL": f"sqlite:///{tmp / 'class.sqlite3'}", "FORGE_LOG": "WARNING",
                    "PYTHONUNBUFFERED": "1"})
        self.log = tmp / "class.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(["make", "-s", "-o", "install", "class"], cwd=ROOT,
                                         env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        end = time.monotonic() + 90
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text())
            try:
                with socket.create_connection((LAN, self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("make class did not start listening:\n" + self.log.read_text())
        self.output = self.log.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassServer]:
    s = ClassServer(tmp_path_factory.mktemp("forge-class"))
    yield s
    s.stop()


def get(port: int, host: str, path: str = "/") -> tuple[int, str]:
    c = http.client.HTTPConnection(LAN, port, timeout=10)
    c.request("GET", path, headers={"Host": f"{host}:{port}", "Accept-Language": "en"})
    r = c.getresponse()
    return r.status, r.read().decode("utf-8", "replace")


def test_make_class_serves_the_lan_with_debug_off(classroom: ClassServer) -> None:
    out = classroom.output
    assert f"lobby (phones on the same Wi-Fi): http://{LAN}:{classroom.port}/" in out
    assert re.search(r"log in as facilitator / \S+", out)
    name = socket.gethostname()
    for host in (name, LAN):
        status, body = get(classroom.port, host)
        assert status == 200 and "Join the game" in body, (host, status)
    status, body = get(classroom.port, name, "/no-such-page/")
    assert status == 404 and "Traceback" not in body and "URLconf" not in body  # DEBUG off
    status, body = get(classroom.port, "intruder.example")
    assert status == 400 and "DisallowedHost" not in body


def test_a_class_meets_the_door_on_phones(classroom: ClassServer, browser: Browser) -> None:
    password = re.search(r"log in as facilitator / (\S+)", classroom.output)[1]  # type: ignore[index]
    host = socket.gethostname()
    base = f"http://{host}:{classroom.port}"
    errors: list[str] = []
    # A browser of its own (the host-name rule), from the session's Playwright: a second
    # sync_playwright() cannot start while the package's browser fixture runs.
    own = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, f"--host-resolver-rules=MAP {host} {LAN}"])
    try:
        def page(w: int, hgt: int, **kw: object) -> Page:
            ctx = own.new_context(viewport={"width": w, "height": hgt}, **kw)  # type: ignore[arg-type]
            pg = ctx.new_page()
            pg.set_default_timeout(TIMEOUT_MS)
            pg.on("pageerror", lambda exc: errors.append(str(exc)))
            return pg

        teacher = page(375, 800, is_mobile=True, has_touch=True)
        teacher.goto(base + "/")
        no_overflow(teacher)
        shot(teacher, "phone-lobby")
        teacher.get_by_role("link", name="Teacher log in").first.click()
        teacher.get_by_label("Username").fill("facilitator")
        teacher.get_by_label("Password").fill(password)
        no_overflow(teacher)
        teacher.get_by_role("button", name="Log in").click()
        form = teacher.get_by_test_id("create-form")
        teacher.get_by_test_id("scenario").select_option("classroom-lite")
        seats = teacher.get_by_test_id("seats-classroom-lite")
        expect(seats).to_contain_text("United States")
        # A mistake first (every country to the computer): the error keeps what was typed.
        for seat in ("USA", "CHN", "EU", "JPN", "AUS", "COD"):
            seats.locator(f"select[data-seat='{seat}']").select_option("bot:passive")
        seats.get_by_label("Negotiation (minutes per round)").fill("9")
        no_overflow(teacher)
        shot(teacher, "phone-create")
        form.get_by_test_id("create").click()
        expect(teacher.get_by_test_id("form-error")).to_contain_text("people")
        seats = teacher.get_by_test_id("seats-classroom-lite")
        expect(seats.locator("select[data-seat='CHN']")).to_have_value("bot:passive")
        expect(seats.get_by_label("Negotiation (minutes per round)")).to_have_value("9")
        # Two countries for people, the rest for the computer.
        for seat in ("USA", "AUS"):
            seats.locator(f"select[data-seat='{seat}']").select_option("human")
        teacher.get_by_test_id("create-form").get_by_test_id("create").click()
        teacher.wait_for_url("**/facilitate/")
        code = teacher.url.split("/g/")[1].split("/")[0]
        expect(teacher.get_by_test_id("join-link")).to_have_text(
            f"http://{LAN}:{classroom.port}/join/?code={code}")  # the classroom address
        expect(teacher.locator("#share svg.qr")).to_be_visible()
        expect(teacher.get_by_test_id("local-only")).to_have_count(0)

        projector = page(1920, 1080)
        projector.goto(f"{base}/g/{code}/watch/")
        panel = projector.get_by_test_id("join-panel")
        expect(panel.locator("svg.qr")).to_be_visible()
        expect(panel.get_by_test_id("join-url")).to_contain_text(f"{LAN}:{classroom.port}")
        assert panel.locator("svg.qr").bounding_box()["width"] >= 300  # type: ignore[index]
        shot(projector, "projector-waiting")

        # Students on phones: the join page lists countries by name; bots are marked.
        phones = []
        for name, seat in (("Ana", "USA"), ("Ben", "AUS"), ("Cleo", "USA")):
            ph = page(375, 760, is_mobile=True, has_touch=True)
            ph.goto(f"{base}/join/?code={code}")
            expect(ph.get_by_test_id("seat-pick")).to_contain_text("Australia")
            expect(ph.locator("#seat-CHN")).to_be_disabled()
            expect(ph.locator("li[data-seat='CHN']")).to_contain_text("computer")
            if name == "Cleo":  # a taken seat: join the delegation
                expect(ph.locator("li[data-seat='USA']")).to_contain_text("join the delegation")
            no_overflow(ph)
            shot(ph, f"phone-join-{name}")
            ph.locator("#join-name").fill(name)
            ph.locator(f"#seat-{seat}").check()
            ph.get_by_test_id("join").click()
            ph.wait_for_url("**/play/")
            expect(ph.get_by_test_id("net")).to_have_text("online")
            phones.append(ph)
        expect(phones[0].get_by_test_id("country")).to_have_text("United States")
        expect(phones[0].get_by_test_id("deal-prices")).to_contain_text("Lithium")
        no_overflow(phones[0])
        shot(phones[0], "phone-console")
    finally:
        own.close()
    assert not errors, errors
