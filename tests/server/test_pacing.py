"""The fan-out's turns (negotiation/realtime/pacing.py): one at a time, each after a pass of the
event loop, none while the lane has a batch out, and a turn is never lost."""

from __future__ import annotations

import asyncio
from itertools import pairwise

from negotiation.realtime.pacing import Pacer


async def _worker(pacer: Pacer, name: str, turns: int, log: list[str]) -> None:
    for n in range(turns):
        await pacer.turn()
        log.append(f"{name}{n}")
        pacer.done()


async def test_turns_go_one_at_a_time_with_other_work_between():
    pacer = Pacer(asyncio.get_running_loop())
    log: list[str] = []
    workers = [asyncio.ensure_future(_worker(pacer, name, 2, log)) for name in "ab"]

    async def other() -> None:  # e.g. an ack that became ready meanwhile
        for n in range(10):
            log.append(f"x{n}")
            await asyncio.sleep(0)

    await asyncio.gather(other(), *workers)
    turns = [e for e in log if e[0] != "x"]
    assert sorted(turns) == ["a0", "a1", "b0", "b1"]
    # Between two turns the other task always ran at least once.
    at = [log.index(t) for t in turns]
    assert all(any(e[0] == "x" for e in log[i + 1:j]) for i, j in pairwise(at))
    assert not pacer.held and not pacer.waiters


async def test_no_turn_while_paused_and_one_turn_each_resume():
    pacer = Pacer(asyncio.get_running_loop())
    log: list[str] = []
    pacer.pause()
    task = asyncio.ensure_future(_worker(pacer, "a", 3, log))
    for _ in range(5):
        await asyncio.sleep(0)
    assert log == []
    pacer.resume()
    pacer.pause()  # the lane starts its next batch at once: the turn handed out stands
    for _ in range(5):
        await asyncio.sleep(0)
    assert log == ["a0"]
    pacer.resume()
    await asyncio.wait_for(task, 1)
    assert log == ["a0", "a1", "a2"]


async def test_a_cancelled_waiter_passes_its_turn_on():
    pacer = Pacer(asyncio.get_running_loop())
    log: list[str] = []
    await pacer.turn()  # hold the turn
    doomed = asyncio.ensure_future(_worker(pacer, "d", 1, log))
    live = asyncio.ensure_future(_worker(pacer, "l", 1, log))
    await asyncio.sleep(0)
    pacer.done()  # hands the turn to `doomed` next pass ...
    await asyncio.sleep(0)
    doomed.cancel()  # ... which is cancelled before it runs
    await asyncio.wait_for(live, 1)
    assert log == ["l0"]
    assert doomed.cancelled()


async def test_a_job_under_way_finishes_before_the_next_starts():
    pacer = Pacer(asyncio.get_running_loop())
    log: list[str] = []

    async def job(name: str) -> None:
        for n in range(3):
            await pacer.turn(again=n > 0)
            log.append(f"{name}{n}")
            pacer.done()

    await asyncio.gather(*(job(name) for name in "abc"))
    assert log == ["a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2"]


async def test_a_long_pause_lifts_by_itself():
    pacer = Pacer(asyncio.get_running_loop())
    log: list[str] = []
    pacer.pause(limit=0.05)  # a batch stuck on the database, never resumed
    task = asyncio.ensure_future(_worker(pacer, "a", 2, log))
    await asyncio.sleep(0.01)
    assert log == [] and pacer.paused
    await asyncio.wait_for(task, 2)
    assert log == ["a0", "a1"] and not pacer.paused and pacer.unpause is None
