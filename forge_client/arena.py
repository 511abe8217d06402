"""Agents at a table: one seat in a live game (`play_seat`), or whole games where every
seat is an agent (`run_game`), played the same way against a server over WebSockets
(`ServerTable`) or in the engine alone (`EngineTable`).

`run_game` takes turns as `game.simulate` does: in each phase, passes around the table in
seat order, each seat's agent called with its view and legal answer and its actions sent
one at a time (each answered before the next); a phase nobody moves in is ended by the
facilitator's `advance`. With the same seed and agents, both tables see the same views
and so make the same game: the tournament and the tests rely on it.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import msgspec

from forge_client.client import Connection, ProtocolError

log = logging.getLogger("forge_client")
MAX_PASSES = 8  # turns around the table per phase before the facilitator ends it
Agent = Callable[[dict[str, Any], dict[str, Any]], Any]


def load_agent(spec: str, seed: int = 0) -> Agent:
    """`module:function`, `path/to/file.py:function`, or `bot:<strategy>` (a built-in)."""
    if spec.startswith("bot:"):
        from forge_client.agents import bot

        return bot(spec.removeprefix("bot:"), seed)
    where, _, name = spec.rpartition(":")
    if not where or not name:
        raise ValueError(f"an agent is module:function or file.py:function, not {spec!r}")
    if where.endswith(".py"):
        path = Path(where).resolve()
        mod_name = f"forge_agent_{path.stem}_{abs(hash(str(path)))}"
        module = sys.modules.get(mod_name)
        if module is None:
            loader = importlib.util.spec_from_file_location(mod_name, path)
            if loader is None or loader.loader is None:
                raise ValueError(f"cannot load {path}")
            module = importlib.util.module_from_spec(loader)
            sys.modules[mod_name] = module
            loader.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    agent = getattr(module, name)
    if not callable(agent):
        raise ValueError(f"{spec} is not a function")
    return agent  # type: ignore[no-any-return]


def actions_of(out: Any) -> list[Any]:
    """An agent's answer as a list: None, one action (a dict or an engine struct) or many."""
    if out is None:
        return []
    if isinstance(out, dict | msgspec.Struct):
        out = [out]
    return [msgspec.to_builtins(a) if isinstance(a, msgspec.Struct) else a for a in out]


def _call(agent: Agent, view: dict[str, Any], legal: dict[str, Any]) -> tuple[list[Any], str]:
    try:
        return actions_of(agent(view, legal)), ""
    except Exception as exc:  # an agent's bug costs its turn, not the game
        log.warning("agent %s failed: %r", getattr(agent, "__name__", agent), exc)
        return [], type(exc).__name__


# ---- tables ------------------------------------------------------------------------------------
class Table(Protocol):
    seats: list[str]

    async def view(self, seat: str) -> dict[str, Any]: ...
    async def legal(self, seat: str) -> dict[str, Any]: ...
    async def act(self, seat: str, action: Any) -> tuple[str, str, dict[str, Any]]: ...
    async def advance(self, key: tuple[int, str]) -> None: ...
    async def where(self) -> tuple[int, str]: ...


def _plain(value: Any) -> Any:
    return json.loads(msgspec.json.encode(value))


class EngineTable:
    """A game in the engine alone: every seat human-controlled, agents play them."""

    def __init__(self, scenario: Any, seed: int, rounds: int | None = None) -> None:
        from game.actions import FACILITATOR, Start
        from game.engine import Game

        self.game = Game.new(scenario, seed, rounds=rounds)
        self.game.apply(FACILITATOR, Start())
        self.seats = list(scenario.seat_ids)

    async def view(self, seat: str) -> dict[str, Any]:
        return _plain(self.game.view(seat))  # type: ignore[no-any-return]

    async def legal(self, seat: str) -> dict[str, Any]:
        from game.legal import legal_dict

        return _plain(legal_dict(self.game, seat))  # type: ignore[no-any-return]

    async def act(self, seat: str, action: Any) -> tuple[str, str, dict[str, Any]]:
        from game.actions import action_type, decode_action
        from game.errors import RuleError
        from game.schema import created

        if not isinstance(action, dict):
            return "refused", "bad_message", {}
        before = self.game.state.seq
        try:
            typed = decode_action(action)
            events = self.game.apply(seat, typed)
        except RuleError as exc:
            return "refused", exc.code, {}
        if self.game.state.seq == before:
            return "unchanged", "", {}
        made = created(action_type(typed), _plain(events))
        return "applied", "", {"seq": self.game.state.seq, **({"created": made} if made else {})}

    async def advance(self, key: tuple[int, str]) -> None:
        from game.actions import FACILITATOR, Advance

        self.game.apply(FACILITATOR, Advance(*key))

    async def where(self) -> tuple[int, str]:
        return self.game.state.round, self.game.state.phase

    async def scores(self) -> dict[str, int]:
        return {s: sc.total for s, sc in self.game.state.scores.items()}

    async def close(self) -> None:
        pass


class ServerTable:
    """A game on a server: one player connection per seat and the facilitator's (for
    `advance`), all through the client library."""

    def __init__(self, conns: dict[str, Connection], facilitator: Connection) -> None:
        self.conns, self.fac = conns, facilitator
        self.seats = list(conns)
        self.latest = 0
        self.spectator: Connection | None = None

    @classmethod
    async def open(cls, url: str, code: str, tokens: dict[str, str], cookie: str,
                   keep_frames: bool = False) -> ServerTable:
        conns = {}
        for seat, token in tokens.items():
            conns[seat] = Connection(url, code, token=token, keep_frames=keep_frames,
                                     name=seat)
            await conns[seat].open()
        fac = Connection(url, code, role="facilitator", cookie=cookie, keep_frames=keep_frames,
                         name="fac")
        await fac.open()
        table = cls(conns, fac)
        if keep_frames:  # a projector too, so its frames can be checked as well
            table.spectator = Connection(url, code, role="spectator", keep_frames=True,
                                         name="spectator")
            await table.spectator.open()
        await fac.wait_for(lambda c: c.seq is not None)
        table.latest = fac.seq or 0
        return table

    async def view(self, seat: str) -> dict[str, Any]:
        conn = self.conns[seat]
        await conn.wait_seq(self.latest)
        assert conn.view is not None
        return copy.deepcopy(conn.view)

    async def legal(self, seat: str) -> dict[str, Any]:
        await self.conns[seat].wait_seq(self.latest)
        return await self.conns[seat].legal()

    async def act(self, seat: str, action: Any) -> tuple[str, str, dict[str, Any]]:
        if not isinstance(action, dict):
            return "refused", "bad_message", {}
        try:
            ack = await self.conns[seat].act(action)
        except ProtocolError as exc:
            return "refused", exc.code, {}
        if ack["seq"] > self.latest:
            self.latest = ack["seq"]
            return "applied", "", {k: ack[k] for k in ("seq", "created") if k in ack}
        return "unchanged", "", {}

    async def advance(self, key: tuple[int, str]) -> None:
        ack = await self.fac.control("advance", round=key[0], phase=key[1])
        self.latest = max(self.latest, ack.get("seq", 0))

    async def where(self) -> tuple[int, str]:
        await self.fac.wait_seq(self.latest)
        assert self.fac.view is not None
        return self.fac.view["round"], self.fac.view["phase"]

    async def scores(self) -> dict[str, int]:
        await self.fac.wait_seq(self.latest)
        assert self.fac.view is not None
        return {s: v["total"] for s, v in self.fac.view.get("scores", {}).items()}

    async def close(self) -> None:
        if self.spectator is not None:
            await self.spectator.wait_seq(self.latest)  # it has seen the whole game
        for c in [*self.conns.values(), self.fac, *([self.spectator] if self.spectator else [])]:
            await c.close()


# ---- whole games -------------------------------------------------------------------------------
async def run_game(table: Table, agents: dict[str, Agent]) -> dict[str, Any]:
    """Play to the end; returns {"scores", "log", "refused", "agent_errors"}: the log is
    every action tried, in order, with what became of it."""
    log_rows: list[dict[str, Any]] = []
    refused: dict[str, dict[str, int]] = {s: {} for s in table.seats}
    crashes: dict[str, int] = {}
    while True:
        key = await table.where()
        if key[1] == "ended":
            break
        for _ in range(MAX_PASSES):
            acted = False
            for seat in table.seats:
                if await table.where() != key:
                    break
                legal = await table.legal(seat)
                if not legal["kinds"]:
                    continue
                acts, crash = _call(agents[seat], await table.view(seat), legal)
                if crash:
                    crashes[seat] = crashes.get(seat, 0) + 1
                for action in acts:
                    if await table.where() != key:
                        break
                    outcome, code, ack = await table.act(seat, action)
                    log_rows.append({"seat": seat, "round": key[0], "phase": key[1],
                                     "action": action, "outcome": outcome,
                                     **({"code": code} if code else {}), **ack})
                    if code:
                        refused[seat][code] = refused[seat].get(code, 0) + 1
                    acted = acted or outcome == "applied"
            if not acted or await table.where() != key:
                break
        if await table.where() == key:
            await table.advance(key)
    scores = await table.scores()  # type: ignore[attr-defined]
    return {"scores": scores, "log": log_rows, "refused": refused, "agent_errors": crashes}


# ---- one seat in a live game -------------------------------------------------------------------
async def play_seat(conn: Connection, agent: Agent, *, quiet: float = 5.0,
                    on_action: Callable[[dict[str, Any], Any], None] | None = None
                    ) -> dict[str, Any]:
    """Play the connection's seat until the game ends: the agent is called at every new
    version of the game it may act in, and its actions sent in order (a refusal is logged
    and the rest still tried). Returns the final view."""
    await conn.wait_for(lambda c: c.view is not None)
    last: int | None = None
    while True:
        view = conn.view
        assert view is not None
        if view["phase"] == "ended":
            return view
        if conn.seq != last:
            last = conn.seq
            legal = await conn.legal()
            if legal["kinds"]:
                acts, _ = _call(agent, copy.deepcopy(conn.view or view), legal)
                for action in acts:
                    try:
                        ack = await conn.act(action)
                        if on_action is not None:
                            on_action(action, ack)
                    except ProtocolError as exc:
                        log.info("%s refused: %s", action.get("type", action)
                                 if isinstance(action, dict) else action, exc)
                        if on_action is not None:
                            on_action(action, exc)
            continue
        await conn.wait_change(quiet)
