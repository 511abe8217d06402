"""Checks the browser tests run on every page and state: axe-core (through
axe-playwright-python: no serious or critical violation), nothing wider than the window,
the projector's fit and type size at 1920x1080, and, on a page in Spanish, no text left in
English from the catalogues' sources (locale/es/*.mo msgids, the scenarios' English
texts and the bots' English sayings). Each check records what it found; the test asserts
once at its end, so one run lists every problem. Screenshots go to test-artifacts/ (git-ignored) for
docs/facilitator-guide.md."""

from __future__ import annotations

import functools
import gettext
import json
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from game.bots.common import SAYINGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
_axe = Axe()
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]")
# Text people type, or names, that may look like English in a Spanish page.
_SPLIT = re.compile(r"[\n\t]+")


@functools.lru_cache(maxsize=1)
def english_sources() -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole strings, long fragments) in English whose Spanish differs: a page in Spanish
    showing one of them as a whole line, or a fragment anywhere, shows untranslated text."""
    whole: set[str] = set()
    frags: set[str] = set()

    def add(english: str, spanish: str, *, name: bool = False) -> None:
        if not english or english == spanish:
            return
        parts = [p.strip(" .:;,()·—") for p in _PLACEHOLDER.split(english)]
        if len(parts) == 1:
            whole.add(parts[0])
        for p in parts:
            if len(p) >= 20 or (name and p):
                frags.add(p)

    for domain in ("django", "djangojs"):
        with open(ROOT / "locale" / "es" / "LC_MESSAGES" / f"{domain}.mo", "rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
        for key, value in catalog.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if msgid and "<" not in msgid:
                add(msgid, value)
    # the engine's own English that pages say from keys (the bots' notes and advice)
    for english in SAYINGS.values():
        add(re.sub(r"\{\w+\}", "%(x)s", english), "")
    for path in (ROOT / "fixtures" / "i18n" / "es").glob("*.json"):
        spanish = json.loads(path.read_text(encoding="utf-8"))
        scenario = json.loads((ROOT / "fixtures" / "scenarios" / path.name).read_text(
            encoding="utf-8"))
        english = _scenario_english(scenario)
        for key, text in english.items():
            if key in spanish:
                add(text, spanish[key], name=key.endswith(".name") and key.startswith("countries."))
    return frozenset(whole), tuple(sorted(frags, key=len, reverse=True))


def _scenario_english(d: dict) -> dict[str, str]:
    out = {"title": d["title"], "description": d["description"]}
    for i, label in enumerate(d.get("round_labels", []), 1):
        out[f"round_labels.{i}"] = label
    for m in d["minerals"]:
        out[f"minerals.{m['id']}.name"] = m["name"]
    for c in d["countries"]:
        out[f"countries.{c['id']}.name"] = c["name"]
        out[f"countries.{c['id']}.profile"] = c["profile"]
        for o in c.get("objectives", []):
            out[f"countries.{c['id']}.objectives.{o['id']}"] = o["text"]
    for c in d.get("cards", []):
        out[f"cards.{c['id']}.title"] = c["title"]
        out[f"cards.{c['id']}.text"] = c["text"]
        if c.get("prompt"):
            out[f"cards.{c['id']}.prompt"] = c["prompt"]["text"]
            for o in c["prompt"]["options"]:
                out[f"cards.{c['id']}.options.{o['id']}"] = o["label"]
    return out


_TEXTS_JS = """() => {
  const out = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label],[placeholder],[title],[alt]')) {
    if (el.closest('svg')) continue;
    for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
      const v = el.getAttribute(a);
      if (v) out.push(v);
    }
  }
  return out.join('\\n');
}"""

_PROJECTOR_JS = """() => {
  const sizes = [];
  const sel = ['p', 'li', 'td', 'th', 'dd', 'dt', 'h2', 'h3', 'span', 'strong', 'a', 'label']
    .map((t) => `main ${t}`).join(', ') + ', header .hdr-title, header .hdr-round';
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || el.closest('[hidden], .uplot, .sr-only, svg')) continue;
    const what = `${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`;
    sizes.push([parseFloat(st.fontSize), what]);
  }
  sizes.sort((a, b) => a[0] - b[0]);
  const d = document.documentElement;
  return { height: d.scrollHeight, width: d.scrollWidth, smallest: sizes.slice(0, 5) };
}"""


class Checks:
    """Runs the checks on a page and keeps what failed; `assert_clean()` at the end."""

    def __init__(self, lang: str = "en", ignore: frozenset[str] = frozenset({"facilitator"})
                 ) -> None:
        self.lang = lang
        self.ignore = ignore  # the test account's user name is not a word to translate
        self.problems: list[str] = []
        self.count = 0

    def shot(self, page: Page, name: str, *, full: bool = True) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)

    def axe(self, page: Page, label: str) -> None:
        self.count += 1
        result = _axe.run(page)
        for v in result.response["violations"]:
            if v.get("impact") in ("serious", "critical"):
                targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])][:4]
                self.problems.append(f"[axe {self.lang}] {label}: {v['id']} ({v['impact']}) "
                                     f"{v['help']} at {targets}")

    def overflow(self, page: Page, label: str) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        view = page.evaluate("window.innerWidth")
        if width > view + 1:
            wide = page.evaluate("""(w) => [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap'))
              .slice(0, 4).map((e) => e.tagName + '.' + e.className)""", view)
            self.problems.append(f"[overflow {self.lang}] {label}: {width}px wide in a "
                                 f"{view}px window: {wide}")

    def untranslated(self, page: Page, label: str) -> None:
        if self.lang != "es":
            return
        whole, frags = english_sources()
        text = page.evaluate(_TEXTS_JS)
        found = {line.strip() for line in _SPLIT.split(text)
                 if line.strip() in whole and line.strip() not in self.ignore}
        found |= {f for f in frags if f in text}
        if found:
            self.problems.append(f"[english] {label}: {sorted(found)[:8]}")

    def projector(self, page: Page, label: str, *, fit: bool = True) -> None:
        """At 1920x1080: no scrolling (when `fit`), and text of at least 24 px."""
        m = page.evaluate(_PROJECTOR_JS)
        if fit and m["height"] > 1081:
            self.problems.append(f"[projector {self.lang}] {label}: {m['height']}px tall")
        if m["width"] > 1921:
            self.problems.append(f"[projector {self.lang}] {label}: {m['width']}px wide")
        small = [s for s in m["smallest"] if s[0] < 24]
        if small:
            self.problems.append(f"[projector {self.lang}] {label}: text under 24px: {small}")

    def page(self, page: Page, label: str, *, shot: str | None = None, phone: bool = False,
             full: bool = True) -> None:
        """Every check that applies to `page`, and its screenshot."""
        self.axe(page, label)
        self.overflow(page, label)
        self.untranslated(page, label)
        if shot:
            self.shot(page, shot, full=full)

    def narrow(self, page: Page, label: str, shot: str | None = None) -> None:
        """The same page at 375 px wide (then back): nothing may overflow."""
        size = page.viewport_size
        page.set_viewport_size({"width": 375, "height": 800})
        page.wait_for_timeout(150)
        self.overflow(page, f"{label} at 375px")
        if shot:
            self.shot(page, shot)
        if size:
            page.set_viewport_size(size)

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)
