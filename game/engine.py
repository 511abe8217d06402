"""The one entry point: `Game.apply(actor, action)`, plus creation and replay.

A game is `scenario + seed + options + ordered action log`; `Game.replay` rebuilds the
state exactly from those. Handlers validate fully before they mutate, so a RuleError
always leaves the state as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from game import cards, club, deals, legal, orders_rules, phases, views
from game.actions import (
    FACILITATOR,
    FACILITATOR_ACTIONS,
    AcceptDeal,
    Action,
    Advance,
    ApplyForge,
    CancelDeal,
    CounterDeal,
    EndGame,
    FileDispute,
    FireCard,
    LeaveForge,
    NominateChair,
    Pause,
    ProposeDeal,
    ProposeFloor,
    ProposeStandard,
    Ready,
    RejectDeal,
    RespondPrompt,
    Resume,
    Rewind,
    SetController,
    Start,
    SubmitOrders,
    Vote,
    WithdrawDeal,
)
from game.errors import ErrorCode, RuleError
from game.event import Event, Unchanged
from game.orders import Policy
from game.par import Par
from game.scenario import Scenario
from game.state import (
    Capacity,
    Forge,
    GameState,
    Holdings,
    Seat,
    SeatStats,
    restore,
    snapshot,
    state_bytes,
)

Handler = Callable[["Game", str, Any], list[Event]]

HANDLERS: dict[type, Handler] = {
    ProposeDeal: deals.propose,
    CounterDeal: deals.counter,
    AcceptDeal: deals.accept,
    RejectDeal: deals.reject,
    WithdrawDeal: deals.withdraw,
    CancelDeal: deals.cancel,
    RespondPrompt: cards.respond,
    ApplyForge: club.apply_for_membership,
    LeaveForge: club.leave,
    ProposeFloor: club.propose_floor,
    ProposeStandard: club.propose_standard,
    NominateChair: club.nominate_chair,
    Vote: club.vote,
    FileDispute: club.file_dispute,
    SubmitOrders: orders_rules.submit,
    Ready: phases.ready,
    Start: phases.start,
    Advance: phases.advance,
    Pause: phases.pause,
    Resume: phases.resume,
    Rewind: phases.rewind,
    SetController: phases.set_controller,
    FireCard: cards.fire,
    EndGame: phases.end_game,
}

# Facilitator actions that stay possible while the game is paused or over.
_WHILE_PAUSED = (Resume, Rewind, SetController, EndGame, Pause)
_AFTER_END = ()


class Game:
    """A scenario and the state of one game on it, like python-chess's Board."""

    __slots__ = ("memo", "public_view", "scenario", "scratch", "state")

    def __init__(self, scenario: Scenario, state: GameState) -> None:
        self.scenario = scenario
        self.state = state
        self.public_view: views.Public | None = None  # see views.public
        # what is derived from the state and reused while it still holds: view parts
        # (views._static, views._deals) and the live deals (deals.live_deals)
        self.memo: dict[Any, Any] = {}
        # A throwaway game (the no-deal baseline, scoring.compute_baseline): nobody reads its
        # scores or rewinds it, so its resolutions skip scoring and its phases the snapshot.
        self.scratch = False

    # ---- creation and replay ------------------------------------------------------------
    @classmethod
    def new(
        cls,
        scenario: Scenario,
        seed: int,
        *,
        rounds: int | None = None,
        controllers: dict[str, str] | None = None,
        baseline: bool = True,
        par: Par | None = None,
    ) -> Game:
        """A game in the lobby. `rounds` may shorten the scenario; `controllers` maps seats to
        "human" or "bot:<strategy>" (default human). The no-deal baseline for scoring is
        computed here (skip with baseline=False, as the baseline's own simulation does), and
        the seats' par factors (game.par; `par=par.NONE` scores without them, as the par games
        themselves do)."""
        n_rounds = scenario.rounds if rounds is None else rounds
        if not 1 <= n_rounds <= scenario.rounds:
            raise RuleError(ErrorCode.BAD_ACTION, f"rounds must be 1..{scenario.rounds}")
        controllers = controllers or {}
        for seat, ctl in controllers.items():
            if seat not in scenario.seat_ids:
                raise RuleError(ErrorCode.UNKNOWN_SEAT, f"no seat {seat!r} in this scenario")
            phases.check_seat_controller(scenario, seat, ctl)
        seats: dict[str, Seat] = {}
        for c in scenario.countries:
            cm = {m: c.minerals.get(m) for m in scenario.mineral_ids}
            seats[c.id] = Seat(
                id=c.id,
                controller=controllers.get(c.id, "human"),
                treasury=c.treasury,
                start_treasury=c.treasury,
                reputation=c.reputation,
                holdings={
                    m: Holdings(x.ore, x.refined, x.stockpile) if x else Holdings()
                    for m, x in cm.items()
                },
                capacity={
                    m: Capacity(x.mine, x.refine) if x else Capacity() for m, x in cm.items()
                },
                demand={m: x.demand if x else 0 for m, x in cm.items()},
                policy=Policy(env_standard=c.env_standard),
                stats=SeatStats(),
            )
        f = scenario.forge
        rng, deck = cards.deal_deck(scenario, seed, n_rounds)
        state = GameState(
            scenario_id=scenario.id,
            seed=seed,
            rng=rng,
            rounds=n_rounds,
            seats=seats,
            forge=Forge(
                members=list(f.members),
                chair=f.chair,
                chair_until_round=f.chair_until_round,
                fund=f.fund,
                min_standard=f.min_standard,
                bloc={m: Holdings() for m in scenario.mineral_ids},
            ),
            deck=deck,
        )
        for m in scenario.mineral_ids:
            for form in ("ore", "refined"):
                total = sum(getattr(s.holdings[m], form) for s in seats.values())
                if form == "refined":
                    total += sum(s.holdings[m].stockpile for s in seats.values())
                state.ledger.add_mineral(m, form, "initial", total)
        state.ledger.add_money("initial", sum(s.treasury for s in seats.values()) + f.fund)
        deals.place_frameworks(scenario, state)
        game = cls(scenario, state)
        if baseline:
            from game.scoring import compute_baseline

            state.baseline = compute_baseline(scenario, seed, n_rounds)
            if par is None:
                from game.par import of

                par = of(scenario)
        state.par = dict(par.points) if par else {}
        state.par_money = dict(par.money) if par else {}
        state.phase_start = snapshot(state)
        return game

    @classmethod
    def replay(
        cls,
        scenario: Scenario,
        seed: int,
        log: Iterable[tuple[str, Action]],
        **options: Any,
    ) -> Game:
        game = cls.new(scenario, seed, **options)
        for actor, action in log:
            game.apply(actor, action)
        return game

    # ---- the entry point ----------------------------------------------------------------
    def apply(self, actor: str, action: Action) -> list[Event]:
        """Apply `action` for `actor` (a seat id or FACILITATOR). Raises RuleError, changing
        nothing, if the rules refuse it; returns no events and leaves `state.seq` as it was
        if the action would change nothing (`event.Unchanged`)."""
        handler = HANDLERS.get(type(action))
        if handler is None:
            raise RuleError(ErrorCode.UNKNOWN_ACTION, f"unknown action {type(action).__name__}")
        st = self.state
        if isinstance(action, FACILITATOR_ACTIONS):
            if actor != FACILITATOR:
                raise RuleError(ErrorCode.NOT_FACILITATOR, "only the facilitator may do that")
        elif actor not in st.seats:
            raise RuleError(ErrorCode.NOT_A_SEAT, f"{actor!r} is not a seat in this game")
        if st.phase == "ended":
            raise RuleError(ErrorCode.GAME_OVER, "the game is over")
        if st.paused and not isinstance(action, _WHILE_PAUSED):
            raise RuleError(ErrorCode.GAME_PAUSED, "the game is paused")
        try:
            events = handler(self, actor, action)
        except Unchanged:
            return []
        self.state.seq += 1
        return events

    # ---- reading ------------------------------------------------------------------------
    def legal_actions(self, actor: str) -> legal.Legal:
        return legal.legal_actions(self, actor)

    def view(self, viewer: str) -> dict[str, Any]:
        return views.view(self, viewer)

    def state_bytes(self) -> bytes:
        return state_bytes(self.state)

    def snapshot(self) -> bytes:
        return msgspec.msgpack.encode(self.state)

    @classmethod
    def from_snapshot(cls, scenario: Scenario, blob: bytes) -> Game:
        return cls(scenario, restore(blob))

    @property
    def is_over(self) -> bool:
        return self.state.phase == "ended"

    def copy(self) -> Game:
        return Game(self.scenario, restore(msgspec.msgpack.encode(self.state)))


_ = FACILITATOR
