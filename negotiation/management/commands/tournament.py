"""Agents against each other and the built-in bots, round-robin over the seats.

    python manage.py tournament --scenario classroom-lite --agents a.py:f,b.py:g \\
        --games 12 --seed 1 [--local | --url http://127.0.0.1:8000] [--out tournament/]

Game i (seed `game.simulate.game_seed(seed, i)`) seats agent j at seat (i + j) mod the
number of seats, so over as many games as seats every agent plays every seat; the other
seats are played by the built-in bots (cooperative, hawk, passive in turn). `--local`
plays in the engine alone; otherwise each game is created in this project's database and
played through `forge_client` over WebSockets against the server at --url (which must
use the same database). Both take turns the same way (forge_client.arena.run_game), so
the same seed gives the same table, in either mode.

Writes OUT/table.md and OUT/table.json (per agent: games, mean score, win rate, mean score
per seat) and OUT/games/NNN.json (seating, seed, scores, every action tried and what
became of it, refusals by code), and prints the table.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from forge_client.agents import bot
from forge_client.arena import EngineTable, ServerTable, load_agent, run_game
from game.simulate import game_seed
from negotiation import scenarios

FILL = ("cooperative", "hawk", "passive")
USERNAME = "tournament"


def seating(seats: list[str], specs: list[str], index: int) -> dict[str, str]:
    """Who plays each seat in game `index`: the agents rotated one seat per game, bots
    (`fill:<strategy>`) in the other seats."""
    n = len(seats)
    out = {s: f"fill:{FILL[(k + index) % len(FILL)]}" for k, s in enumerate(seats)}
    for j, spec in enumerate(specs):
        out[seats[(index + j) % n]] = spec
    return out


def table(specs: list[str], games: list[dict[str, Any]], seats: list[str]) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}
    for g in games:
        scores: dict[str, int] = g["scores"]
        best = max(scores.values()) if scores else 0
        winners = [s for s, v in scores.items() if v == best]
        for seat, who in g["seating"].items():
            r = rows.setdefault(who, {"games": 0, "total": 0, "wins": 0.0, "seats": {}})
            r["games"] += 1
            r["total"] += scores.get(seat, 0)
            r["wins"] += 1 / len(winners) if seat in winners else 0
            r["seats"].setdefault(seat, []).append(scores.get(seat, 0))
    out = {}
    for who in [*specs, *sorted(k for k in rows if k not in specs)]:
        r = rows.get(who)
        if r is None:
            continue
        out[who] = {"games": r["games"], "mean_score": round(r["total"] / r["games"], 2),
                    "win_rate": round(r["wins"] / r["games"], 3),
                    "per_seat": {s: round(sum(v) / len(v), 2) for s, v in
                                 sorted(r["seats"].items(), key=lambda kv: seats.index(kv[0]))}}
    return out


def markdown(rows: dict[str, Any], seats: list[str]) -> str:
    head = "| agent | games | mean score | win rate | " + " | ".join(seats) + " |"
    lines = [head, "|" + "---|" * (4 + len(seats))]
    for who, r in rows.items():
        per = " | ".join(str(r["per_seat"].get(s, "")) for s in seats)
        lines.append(f"| `{who}` | {r['games']} | {r['mean_score']} | {r['win_rate']} | {per} |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Play agents against each other and the bots, round-robin over seats; write a table."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--scenario", default="classroom-lite")
        parser.add_argument("--agents", required=True,
                            help="comma-separated file.py:function, module:function or "
                                 "bot:<strategy>")
        parser.add_argument("--games", type=int, default=6)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--rounds", type=int, default=None)
        parser.add_argument("--local", action="store_true", help="in the engine alone")
        parser.add_argument("--url", default="", help="the server, e.g. http://127.0.0.1:8000")
        parser.add_argument("--out", default="tournament")
        parser.add_argument("--keep-frames", action="store_true",
                            help="server mode: also write every frame each client received")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        if not opts["local"] and not opts["url"]:
            raise CommandError("say --local (the engine alone) or --url (a server)")
        scenario_id = opts["scenario"]
        if scenario_id not in scenarios.available():
            raise CommandError(f"no scenario {scenario_id!r}; have {scenarios.available()}")
        scenario = scenarios.get(scenario_id)
        seats = list(scenario.seat_ids)
        specs = [s.strip() for s in opts["agents"].split(",") if s.strip()]
        if not 1 <= len(specs) <= len(seats):
            raise CommandError(f"name 1 to {len(seats)} agents")
        for spec in specs:
            try:
                load_agent(spec)
            except Exception as exc:
                raise CommandError(f"agent {spec}: {exc}") from None
        out = Path(opts["out"])
        (out / "games").mkdir(parents=True, exist_ok=True)
        games = []
        for i in range(opts["games"]):
            seed = game_seed(opts["seed"], i)
            seated = seating(seats, specs, i)
            agents = {s: bot(w.removeprefix("fill:"), seed) if w.startswith("fill:")
                      else load_agent(w, seed) for s, w in seated.items()}
            if opts["local"]:
                result = asyncio.run(run_game(EngineTable(scenario, seed, opts["rounds"]),
                                              agents))
                code = ""
            else:
                code, tokens, cookie = _server_game(scenario_id, seed, opts["rounds"], seats)
                result = asyncio.run(_on_server(opts["url"], code, tokens, cookie, agents,
                                                out / "games" / f"{i + 1:03d}.frames.jsonl"
                                                if opts["keep_frames"] else None))
            record = {"game": i + 1, "seed": seed, "scenario": scenario_id, "code": code,
                      "seating": seated, **result}
            (out / "games" / f"{i + 1:03d}.json").write_text(json.dumps(record, indent=1))
            games.append(record)
            self.stderr.write(f"game {i + 1}: {json.dumps(result['scores'])}")
        rows = table(specs, games, seats)
        (out / "table.json").write_text(json.dumps(rows, indent=1) + "\n")
        md = markdown(rows, seats)
        (out / "table.md").write_text(md)
        self.stdout.write(md)


def _server_game(scenario_id: str, seed: int, rounds: int | None, seats: list[str]
                 ) -> tuple[str, dict[str, str], str]:
    """A game in this project's database, every seat joined (a token each), and a
    facilitator's session cookie to end phases nobody moves in."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from negotiation.services import games
    from negotiation.services.clock import MAX_PHASE_SECONDS

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    options: dict[str, Any] = {"negotiation_seconds": MAX_PHASE_SECONDS,
                               "orders_seconds": MAX_PHASE_SECONDS}
    if rounds:
        options["rounds"] = rounds
    row = games.create_game(user, scenario_id, options, seed=seed)
    tokens = {s: games.join(row.code, f"agent {s}", s)[1] for s in seats}
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0] \
        if getattr(settings, "AUTHENTICATION_BACKENDS", None) \
        else "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return row.code, tokens, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


async def _on_server(url: str, code: str, tokens: dict[str, str], cookie: str,
                     agents: dict[str, Any], frames: Path | None) -> dict[str, Any]:
    t = await ServerTable.open(url, code, tokens, cookie, keep_frames=frames is not None)
    try:
        t.latest = (await t.fac.control("start"))["seq"]
        result = await run_game(t, agents)
    finally:
        await t.close()
    if frames is not None:
        with frames.open("w") as f:
            others = [("facilitator", t.fac)] + ([("spectator", t.spectator)]
                                                  if t.spectator is not None else [])
            for who, conn in [*t.conns.items(), *others]:
                for frame in conn.frames or []:
                    f.write(json.dumps({"who": who, "frame": frame}) + "\n")
    result["server_errors"] = sum(c.errors.get("server_error", 0)
                                  for c in [*t.conns.values(), t.fac])
    return result
