"""python -m forge_client play --url URL --code CODE --seat SEAT --agent module:function

Joins the seat by its game's code (or uses --token from an earlier join) and plays it with
the agent until the game ends; prints each action's answer and the final scores.
python -m forge_client local --scenario classroom-lite --seed 1 --agent mod:fn [--seat USA]
plays one game in the engine alone: the agent at the seat, built-in bots elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from typing import Any

from forge_client.arena import EngineTable, load_agent, play_seat, run_game
from forge_client.client import Connection, ProtocolError, join


def _print_action(action: Any, answer: Any) -> None:
    kind = action.get("type", "?") if isinstance(action, dict) else repr(action)
    if isinstance(answer, ProtocolError):
        print(f"  {kind}: refused ({answer.code}) {answer.message}")
    else:
        made = f" created {answer['created']}" if answer.get("created") else ""
        print(f"  {kind}: seq {answer['seq']}{made}")


async def _play(args: argparse.Namespace) -> int:
    agent = load_agent(args.agent, args.seed)
    token = args.token
    if not token:
        joined = await join(args.url, args.code, args.seat, args.name)
        token = joined.token
        print(f"joined {args.code} as {joined.seat} (player {joined.player})")
    async with Connection(args.url, args.code, token=token, name=args.seat or "agent") as conn:
        final = await play_seat(conn, agent, on_action=None if args.quiet else _print_action)
    scores = {s: v["total"] for s, v in final.get("scores", {}).items()}
    print(json.dumps({"seat": final["me"]["seat"], "scores": scores}))
    return 0


async def _local(args: argparse.Namespace) -> int:
    from forge_client.agents import bot
    from game.scenario import load_scenario
    from game.simulate import SCENARIO_DIR

    scenario = load_scenario(SCENARIO_DIR / f"{args.scenario}.json")
    seat = args.seat or scenario.seat_ids[0]
    names = ("cooperative", "hawk", "passive")
    agents = {s: bot(names[i % 3], args.seed) for i, s in enumerate(scenario.seat_ids)}
    agents[seat] = load_agent(args.agent, args.seed)
    out = await run_game(EngineTable(scenario, args.seed), agents)
    print(json.dumps({"seat": seat, "scores": out["scores"], "refused": out["refused"][seat]}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m forge_client", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("play", help="play a seat of a live game")
    p.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    p.add_argument("--code", required=True, help="the game's join code")
    p.add_argument("--seat", default="", help="the seat to join (not needed with --token)")
    p.add_argument("--token", default="", help="a player token from an earlier join")
    p.add_argument("--name", default="agent", help="the name others see")
    p.add_argument("--agent", required=True,
                   help="module:function, file.py:function or bot:cooperative|hawk|passive")
    p.add_argument("--seed", type=int, default=0, help="for the built-in bots")
    p.add_argument("--quiet", action="store_true")
    loc = sub.add_parser("local", help="one game in the engine: your agent against the bots")
    loc.add_argument("--scenario", default="classroom-lite")
    loc.add_argument("--seed", type=int, default=1)
    loc.add_argument("--seat", default="")
    loc.add_argument("--agent", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.command == "play" and not (args.token or args.seat):
        parser.error("play needs --seat (to join) or --token")
    try:
        return asyncio.run(_play(args) if args.command == "play" else _local(args))
    except ProtocolError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
