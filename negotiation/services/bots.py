"""Bots in bot seats act through the same service as people, one seat at a time under the
game's row lock, so two processes never both act for a bot on the same state.

Bots decide from the engine (`game.bots.act(game, seat)`: the actions a bot seat takes
now). Where that module is absent, a bot seat only declares itself ready, so a table with
bots still moves on when the people are ready.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

from game import Action, RuleError
from game.actions import Ready
from negotiation.models import Game
from negotiation.services import loading
from negotiation.services.actions import apply_locked, lock_game

log = logging.getLogger("negotiation.bots")

MAX_PASSES = 40  # per trigger; a pair of bots trading offers forever is cut off here
MAX_ACTIONS_PER_SEAT = 12


def _fallback(game: Any, seat: str) -> list[Action]:
    st = game.state
    if st.phase in ("negotiation", "orders") and not st.paused and not st.seats[seat].ready:
        return [Ready()]
    return []


def _policy() -> Callable[[Any, str], list[Action]]:
    try:
        from game import bots as engine_bots

        act = engine_bots.act
    except (ImportError, AttributeError):
        return _fallback
    return act  # type: ignore[no-any-return]


def bot_seats(game: Any) -> list[str]:
    return [sid for sid, s in game.state.seats.items() if s.controller.startswith("bot:")]


def _one_pass(game_id: int) -> int:
    """Every bot seat acts once on the current state. Returns the actions applied."""
    applied = 0
    act = _policy()
    with transaction.atomic():
        row = lock_game(game_id)
        if row is None or row.status != Game.RUNNING:
            return 0
        with loading.lock(row.pk):
            game = loading.load(row).game
            for seat in bot_seats(game):
                if game.is_over or game.state.paused:
                    break
                try:
                    actions = list(act(game, seat))[:MAX_ACTIONS_PER_SEAT]
                except Exception:
                    log.exception("game %s: bot %s failed to decide", game_id, seat)
                    continue
                for action in actions:
                    try:
                        apply_locked(row, seat, action, sender=f"bot:{seat}")
                        applied += 1
                    except RuleError as exc:
                        log.info("game %s: bot %s refused: %s", game_id, seat, exc)
                    game = loading.load(row).game
        row.bots_version = row.version
        Game.objects.filter(pk=row.pk).update(bots_version=row.version)
    return applied


def run_bots(game_id: int) -> int:
    """Let the bots act until they have nothing more to do (or MAX_PASSES)."""
    total = 0
    for _ in range(MAX_PASSES):
        n = _one_pass(game_id)
        total += n
        if not n:
            break
    return total


# Games whose bots failed, with the version they failed at: the background step leaves
# them alone until the game changes (the facilitator swaps the seat, rewinds), so a bot
# that fails the same way is one line in the log, not one every half second.
_failed_at: dict[int, int] = {}


def forget_failures() -> None:
    """Forget every failure (tests, whose databases reuse game ids)."""
    _failed_at.clear()


def run_pending() -> None:
    """Let the bots of every game that has moved act (the background step)."""
    for game_id, version in pending_games():
        if _failed_at.get(game_id) == version:
            continue
        try:
            run_bots(game_id)
            _failed_at.pop(game_id, None)
        except Exception:
            _failed_at[game_id] = version
            log.exception("game %s: the bots failed at version %s; they wait for the game "
                          "to change", game_id, version)


def pending_games(limit: int = 50) -> list[tuple[int, int]]:
    """Running games whose bots have not looked at the latest version."""
    from django.db.models import F

    return list(Game.objects.filter(status=Game.RUNNING, bots_version__lt=F("version"),
                                    seats__controller__startswith="bot:")
                .distinct().values_list("pk", "version")[:limit])
