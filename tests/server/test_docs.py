"""docs/protocol.md against the code: its error-code tables list exactly the codes the server
(negotiation/errors.py) and the engine (game/errors.py) can answer with, so a code added
without a row in the docs, or a row left behind for a code that went, fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from game.errors import ErrorCode
from negotiation import errors

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "docs" / "protocol.md"
SECTION = "## Error codes (stable)"
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$")


def _tables(section: str) -> list[list[tuple[str, str]]]:
    """The section's tables, in order, as (code, meaning) rows (header rows skipped)."""
    tables: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    for line in section.splitlines():
        if not line.startswith("|"):
            current = None
            continue
        if current is None:
            current = []
            tables.append(current)
        m = ROW.match(line)
        if m:
            current.append((m.group(1), m.group(2).strip()))
    return tables


def _error_tables() -> list[list[tuple[str, str]]]:
    text = PROTOCOL.read_text(encoding="utf-8")
    assert text.count(SECTION) == 1, f"protocol.md needs one {SECTION!r} section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    tables = _tables(section)
    assert len(tables) == 2, f"expected the server's table, then the engine's: {len(tables)}"
    return tables


def test_the_tables_parse():
    """The parser itself: two tables, every row a code and a meaning (so the checks below
    cannot pass on an empty parse)."""
    for table in _error_tables():
        assert len(table) >= 10
        for code, meaning in table:
            assert re.fullmatch(r"[a-z][a-z_]*", code), code
            assert meaning, f"{code} has no meaning in protocol.md"


def test_server_codes_are_documented_exactly():
    server, _ = _error_tables()
    documented = [code for code, _ in server]
    assert len(documented) == len(set(documented)), "a server code listed twice"
    assert len(errors.CODES) == len(set(errors.CODES)), "a code twice in errors.CODES"
    missing = set(errors.CODES) - set(documented)
    stale = set(documented) - set(errors.CODES)
    assert not missing and not stale, (f"in negotiation/errors.py but not in protocol.md: "
                                       f"{sorted(missing)}; in protocol.md but not in "
                                       f"negotiation/errors.py: {sorted(stale)}")


def test_engine_codes_are_documented_exactly():
    _, engine = _error_tables()
    documented = [code for code, _ in engine]
    assert len(documented) == len(set(documented)), "an engine code listed twice"
    codes = {c.value for c in ErrorCode}
    missing = codes - set(documented)
    stale = set(documented) - codes
    assert not missing and not stale, (f"in game/errors.py but not in protocol.md: "
                                       f"{sorted(missing)}; in protocol.md but not in "
                                       f"game/errors.py: {sorted(stale)}")


def test_no_code_is_both_server_and_engine():
    """Clients match on the code alone, so one spelling means one thing."""
    assert not set(errors.CODES) & {c.value for c in ErrorCode}


def test_every_server_code_constant_is_in_codes():
    """A constant added to negotiation/errors.py but left out of CODES would escape the
    check above."""
    constants = {name: value for name, value in vars(errors).items()
                 if name.isupper() and isinstance(value, str)}
    assert constants, "no code constants found in negotiation/errors.py"
    left_out = {name for name, value in constants.items() if value not in errors.CODES}
    assert not left_out, f"not in errors.CODES: {sorted(left_out)}"


# Calls that carry a code to the client, and the position of the code among their arguments.
_CODE_ARG = {"ServiceError": 0, "api_error": 0, "_error": 1}


def test_codes_written_as_literals_in_the_server_are_known():
    """A code spelled out as a string (`ServiceError("not_found", …)`) instead of the
    constant must still be one of errors.CODES, or it would reach clients undocumented."""
    found: list[tuple[str, int, str]] = []
    calls = 0
    for path in sorted((ROOT / "negotiation").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            at = _CODE_ARG.get(name)
            if at is None or len(node.args) <= at:
                continue
            calls += 1
            arg = node.args[at]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((str(path.relative_to(ROOT)), node.lineno, arg.value))
    assert calls >= 10, "the walk found too few calls: has the error helper been renamed?"
    unknown = [f for f in found if f[2] not in errors.CODES]
    assert not unknown, unknown
