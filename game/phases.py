"""The round structure: lobby -> (negotiation -> orders -> resolution) x rounds -> ended.

The engine never reads a clock: the server applies `Advance` when a deadline passes,
naming the phase it expects so a duplicate or late deadline is refused as stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game import cards, club
from game.actions import Advance, EndGame, Pause, Ready, Resume, Rewind, SetController, Start
from game.errors import ErrorCode, RuleError, require
from game.event import Event, Unchanged
from game.scenario import Scenario
from game.state import restore, snapshot

if TYPE_CHECKING:
    from game.engine import Game

BOT_STRATEGIES = ("cooperative", "hawk", "passive")


def check_seat_controller(game_scenario: Scenario, seat: str, controller: str) -> None:
    """The scenario may reserve a seat for people (a key delegation in a workshop)."""
    check_controller(controller)
    if controller != "human" and not game_scenario.country(seat).bot_allowed:
        raise RuleError(ErrorCode.BOT_NOT_ALLOWED, f"{seat} must be played by people")


def check_controller(controller: str) -> None:
    ok = controller == "human" or (
        controller.startswith("bot:") and controller[4:] in BOT_STRATEGIES
    )
    require(
        ok,
        ErrorCode.BAD_ACTION,
        f"controller must be 'human' or 'bot:<{'|'.join(BOT_STRATEGIES)}>'",
    )


def start(game: Game, actor: str, action: Start) -> list[Event]:
    require(game.state.phase == "lobby", ErrorCode.ALREADY_STARTED, "the game has started")
    return begin_round(game, 1)


def begin_round(game: Game, number: int) -> list[Event]:
    st = game.state
    st.round = number
    st.round_start_seq.append(st.seq)
    st.phase = "negotiation"
    _reset_ready(game)
    label = game.scenario.round_labels[number - 1]
    events = [
        Event(
            "round_started",
            f"Round {number} of {st.rounds}: {label}",
            data={"round": number, "label": label},
        )
    ]
    events += cards.draw(game)
    if not game.scratch:
        st.phase_start = snapshot(st)
    return events


def _reset_ready(game: Game) -> None:
    for seat in game.state.seats.values():
        seat.ready = False


def end_negotiation(game: Game) -> list[Event]:
    st = game.state
    events = club.close_open_motions(game)
    events += cards.default_open_prompts(game)
    st.phase = "orders"
    _reset_ready(game)
    events.append(Event("phase", "Orders: submit sealed orders", data={"phase": "orders"}))
    if not game.scratch:
        st.phase_start = snapshot(st)
    return events


def end_orders(game: Game) -> list[Event]:
    from game.resolution import resolve_round

    st = game.state
    events = resolve_round(game)
    if st.round >= st.rounds:
        return events + finish(game)
    return events + begin_round(game, st.round + 1)


def finish(game: Game) -> list[Event]:
    from game.scoring import ranking, update_scores, winners

    st = game.state
    update_scores(game)
    st.phase = "ended"
    top = winners(game)
    return [Event("game_over", f"Game over. Highest score: {', '.join(top)}",
                  data={"ranking": ranking(game), "winners": top})]


def _end_phase(game: Game) -> list[Event]:
    if game.state.phase == "negotiation":
        return end_negotiation(game)
    return end_orders(game)


def advance(game: Game, actor: str, action: Advance) -> list[Event]:
    st = game.state
    require(st.phase != "lobby", ErrorCode.GAME_NOT_STARTED, "start the game first")
    stale = (action.round is not None and action.round != st.round) or (
        action.phase is not None and action.phase != st.phase
    )
    require(
        not stale,
        ErrorCode.STALE_PHASE,
        f"the game is in round {st.round} {st.phase}, not {action.round} {action.phase}",
    )
    return _end_phase(game)


def ready(game: Game, actor: str, action: Ready) -> list[Event]:
    st = game.state
    require(
        st.phase in ("negotiation", "orders"), ErrorCode.WRONG_PHASE, "nothing to be ready for now"
    )
    if st.seats[actor].ready == action.ready:
        raise Unchanged
    st.seats[actor].ready = action.ready
    events = [
        Event(
            "ready",
            f"{actor} is {'ready' if action.ready else 'not ready'}",
            data={"seat": actor, "ready": action.ready},
        )
    ]
    if all(s.ready for s in st.seats.values()):
        events += _end_phase(game)
    return events


def pause(game: Game, actor: str, action: Pause) -> list[Event]:
    st = game.state
    require(st.phase in ("negotiation", "orders"), ErrorCode.WRONG_PHASE, "nothing to pause")
    require(not st.paused, ErrorCode.GAME_PAUSED, "already paused")
    st.paused = True
    return [Event("paused", "The facilitator paused the game")]


def resume(game: Game, actor: str, action: Resume) -> list[Event]:
    require(game.state.paused, ErrorCode.NOT_PAUSED, "the game is not paused")
    game.state.paused = False
    return [Event("resumed", "The game resumed")]


def rewind(game: Game, actor: str, action: Rewind) -> list[Event]:
    """Restore the snapshot taken when this phase began; the action count keeps growing
    so the log stays append-only, and who controls each seat stays as it is now."""
    st = game.state
    require(st.phase in ("negotiation", "orders"), ErrorCode.WRONG_PHASE, "nothing to rewind")
    blob = st.phase_start
    old = restore(blob)
    old.phase_start = blob
    old.seq = st.seq
    old.paused = st.paused
    for seat_id, seat in old.seats.items():
        seat.controller = st.seats[seat_id].controller
    game.state = old
    return [Event("rewound", f"Rewound to the start of round {old.round} {old.phase}")]


def set_controller(game: Game, actor: str, action: SetController) -> list[Event]:
    st = game.state
    require(action.seat in st.seats, ErrorCode.UNKNOWN_SEAT, f"no seat {action.seat!r}")
    check_seat_controller(game.scenario, action.seat, action.controller)
    st.seats[action.seat].controller = action.controller
    return [
        Event(
            "controller",
            f"{action.seat} is now played by {action.controller}",
            data={"seat": action.seat, "controller": action.controller},
        )
    ]


def end_game(game: Game, actor: str, action: EndGame) -> list[Event]:
    if game.state.phase == "lobby":
        raise RuleError(ErrorCode.GAME_NOT_STARTED, "the game has not started")
    game.state.paused = False
    return finish(game)
