"""Agents written with forge_client against a real server (uvicorn, as `make run` starts it,
on its own SQLite database): whole games over WebSockets equal the same seeds played in the
engine; every frame, view and event the server sent validates against the schemas; a
hostile agent never meets a `server_error`; `python -m forge_client play` plays a seat of a
live class game to its end; a request resent after a reconnect is answered once."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forge_client import Connection, join
from game import schema as S
from tests.faults.stuck import Server, server_for_this_pass
from tests.server.schema_check import check_server

DOC = S.schema()
AGENTS = "forge_client.examples:first,forge_client.examples:hostile,bot:cooperative"
BOTS = "CHN=cooperative,EU=hawk,JPN=passive,AUS=cooperative,COD=hawk"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with server_for_this_pass(tmp_path_factory.mktemp("agents"), None) as srv:
        yield srv


def _tournament(server: Server, out: Path, *where: str) -> dict[str, Any]:
    server.run("manage.py", "tournament", "--scenario", "classroom-lite", "--agents", AGENTS,
               "--games", "2", "--seed", "5", "--out", str(out), *where)
    games = [json.loads(p.read_text()) for p in sorted((out / "games").glob("*[0-9].json"))]
    return {"table": json.loads((out / "table.json").read_text()), "games": games}


def test_agents_over_websockets_make_the_same_games_as_in_the_engine(server, tmp_path):
    url = f"http://127.0.0.1:{server.port}"
    remote = _tournament(server, tmp_path / "server", "--url", url, "--keep-frames")
    local = _tournament(server, tmp_path / "local", "--local")
    assert len(remote["games"]) == len(local["games"]) == 2
    for r, loc in zip(remote["games"], local["games"], strict=True):
        assert r["code"] and r["seating"] == loc["seating"] and r["seed"] == loc["seed"]
        assert r["scores"] == loc["scores"] and len(r["scores"]) == 6
        assert r["log"] == loc["log"]  # the same actions, answered the same way
        assert r["server_errors"] == 0
    assert remote["table"] == local["table"]
    assert set(remote["table"]) >= set(AGENTS.split(","))
    # the games were played, not idled through: deals created and named in the acks, and
    # the hostile agent refused by the rules' own codes
    logs = [row for g in remote["games"] for row in g["log"]]
    assert any(row.get("created", {}).get("deal") for row in logs)
    hostile = [row for row in logs if row.get("code")]
    assert len(hostile) > 20
    assert {row["code"] for row in hostile} <= {
        "bad_action", "unknown_action", "bad_clause", "unknown_deal", "not_a_party",
        "deal_not_open", "not_recipient", "not_proposer", "unknown_seat", "self_deal",
        "unknown_mineral", "insufficient_funds", "too_many_proposals", "wrong_phase",
        "not_facilitator", "bad_quantity", "bad_orders", "not_member", "already_member",
        "already_applied", "unknown_motion", "motion_closed", "already_voted", "unknown_prompt",
        "already_asked", "deal_not_active", "standard_too_low", "dispute_not_allowed",
        "chair_cannot_leave", "not_yet", "unknown_option", "prompt_closed", "bad_message"}
    _every_frame_validates(tmp_path / "server" / "games")


def _every_frame_validates(games: Path) -> None:
    counts = {"frames": 0, "views": 0, "events": 0}
    for path in sorted(games.glob("*.frames.jsonl")):
        views: dict[str, dict[str, Any]] = {}
        seqs: dict[str, int] = {}
        for line in path.read_text().splitlines():
            row = json.loads(line)
            who, frame = row["who"], row["frame"]
            counts["frames"] += 1
            assert check_server(frame) == [], (who, frame.get("type"), check_server(frame)[:3])
            assert not (frame["type"] == "error" and frame["code"] == "server_error"), frame
            if frame["type"] != "state":
                continue
            if "view" in frame:
                views[who] = frame["view"]
            else:
                assert frame["base"] == seqs[who], (who, frame["base"], seqs[who])
                views[who] = {**views[who], **frame["patch"]}
                for key in frame.get("drop", []):
                    del views[who][key]
            seqs[who] = frame["seq"]
            top = {"facilitator": "facilitator_view", "spectator": "spectator_view"}.get(
                who, "seat_view")
            assert S.check(views[who], top, DOC) == [], (who, S.check(views[who], top, DOC)[:3])
            assert views[who]["seq"] == frame["seq"]
            counts["views"] += 1
            for e in frame["events"]:
                assert S.check(e, "event", DOC) == [], e
                counts["events"] += 1
        assert views["facilitator"]["phase"] == "ended" and "scores" in views["facilitator"]
        assert views["spectator"]["phase"] == "ended" and "me" not in views["spectator"]
    assert counts["frames"] > 500 and counts["views"] > 200 and counts["events"] > 200, counts


def test_the_play_command_plays_a_seat_of_a_live_game_to_its_end(server):
    game = server.new_game("--scenario", "classroom-lite", "--bots", BOTS, "--start",
                           "--negotiation-seconds", "4", "--orders-seconds", "4")
    out = subprocess.run(
        [sys.executable, "-m", "forge_client", "play", "--url",
         f"http://127.0.0.1:{server.port}", "--code", game["code"], "--seat", "USA",
         "--name", "first", "--agent", "forge_client.examples:first"],
        cwd=Path(__file__).resolve().parents[2], env=server.env, capture_output=True,
        text=True, timeout=150)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith(f"joined {game['code']} as USA")
    assert any("ready: seq" in line for line in lines)  # its actions were acknowledged
    assert any("submit_orders: seq" in line for line in lines)
    final = json.loads(lines[-1])
    assert final["seat"] == "USA" and set(final["scores"]) == {
        "USA", "CHN", "EU", "JPN", "AUS", "COD"}


async def test_a_request_resent_after_a_reconnect_is_answered_once(server):
    game = await asyncio.to_thread(server.new_game, "--scenario", "classroom-lite", "--bots",
                                   BOTS, "--start")
    url = f"http://127.0.0.1:{server.port}"
    joined = await join(url, game["code"], "USA", name="resender")
    assert joined.seat == "USA" and joined.token
    conn = Connection(url, game["code"], token=joined.token, keep_frames=True, name="usa")
    await conn.open()
    try:
        typed = conn.typed()
        assert typed.me.seat == "USA" and typed.phase == "negotiation"  # type: ignore[union-attr]
        legal = await conn.legal()
        assert set(legal["templates"]) == set(legal["kinds"])
        offer = legal["templates"]["propose_deal"]["action"]
        ack = await conn.act(offer, msg_id="offer-once")
        deal = ack["created"]["deal"]
        assert ack["duplicate"] is False and ack["created"]["version"] == 1
        welcomes = len([f for f in conn.frames or [] if f["type"] == "welcome"])
        assert conn._ws is not None
        await conn._ws.close()  # the network drops: the client reconnects and resumes
        await conn.wait_for(lambda c: len([f for f in c.frames or []
                                           if f["type"] == "welcome"]) > welcomes)
        again = await conn.act(offer, msg_id="offer-once")  # the ack was "lost": resend
        assert again["duplicate"] is True and again["seq"] == ack["seq"]
        assert again["created"]["deal"] == deal  # named from the event at that seq
        await conn.wait_seq(ack["seq"])
        view = conn.view
        assert view is not None
        made = {d["id"] for d in [*view["proposals"], *view["deals"]]
                if d["parties"][0] == "USA" and not d.get("framework")}  # the board's frameworks
        assert made == {deal}  # one deal, whether still proposed or already answered
    finally:
        await conn.close()


async def test_a_hostile_agent_in_a_live_game_never_meets_a_server_error(server):
    """Random legal-looking actions at every version of a live game with bots acting at
    the same time (the lane's batches, the clock's phase ends): each is answered with a
    rule's code or applied, never `server_error`, and the game still ends."""
    from forge_client import play_seat
    from forge_client.examples import hostile

    game = await asyncio.to_thread(server.new_game, "--scenario", "classroom-lite", "--bots",
                                   BOTS, "--start", "--negotiation-seconds", "2",
                                   "--orders-seconds", "2")
    url = f"http://127.0.0.1:{server.port}"
    joined = await join(url, game["code"], "USA", name="hostile")
    answers: list[Any] = []
    async with Connection(url, game["code"], token=joined.token, keep_frames=True,
                          name="hostile") as conn:
        final = await asyncio.wait_for(
            play_seat(conn, hostile, quiet=1.0, on_action=lambda a, r: answers.append(r)),
            timeout=120)
        frames = list(conn.frames or [])
    assert final["phase"] == "ended"
    refused = [r for r in answers if not isinstance(r, dict)]
    assert len(answers) >= 12 and len(refused) >= 6
    assert all(r.code != "server_error" for r in refused)
    assert not [f for f in frames if f["type"] == "error" and f["code"] == "server_error"]
    assert all(check_server(f) == [] for f in frames)
