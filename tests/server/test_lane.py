"""Group commit (negotiation/realtime/lane.py, actions.apply_batch): several actions, for several
games, applied in one transaction must mean exactly what applying them one by one means:
same results in the same order, refusals that spoil nothing, ids deduplicated within the
batch and against the log, one broadcast per action after the commit, and a batch that
fails for an unexpected reason applied again one by one."""

from __future__ import annotations

import asyncio

import pytest

from game import FACILITATOR, RuleError
from negotiation.errors import ServiceError
from negotiation.models import ActionLog, Game
from negotiation.realtime import lane
from negotiation.services import actions, games, loading, sql
from tests.server.helpers import db, facilitator, join, make_game, make_user, player

pytestmark = pytest.mark.django_db(transaction=True)

OFFER = {"type": "propose_deal", "to": "AUS", "clauses": [
    {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 2}]}


def _started():  # type: ignore[no-untyped-def]
    user = make_user()
    a, b = make_game(user), make_game(user, seed=8)
    for g in (a, b):
        actions.apply_action(g.pk, FACILITATOR, {"type": "start"}, sender="f")
    return a, b


def test_a_batch_means_what_one_by_one_means():
    a, b = _started()
    actions.apply_action(a.pk, "USA", {"type": "ready"}, sender="p:1", client_msg_id="old")
    with actions.broadcast.held() as kept:
        results = actions.apply_batch([
            (a.pk, "USA", OFFER, "p:1", "m1"),
            (b.pk, "AUS", {"type": "ready"}, "p:2", "m1"),          # same id, other sender
            (a.pk, "USA", {"type": "accept_deal", "deal": "D9"}, "p:1", "m2"),  # refused
            (a.pk, "USA", OFFER, "p:1", "m1"),                       # a resend in the batch
            (a.pk, "USA", {"type": "ready"}, "p:1", "old"),          # a resend of the log
            (10**9, "USA", {"type": "ready"}, "p:1", "m3"),          # no such game
            (a.pk, "AUS", {"type": "warp"}, "p:3", "m4"),            # not an action
            (b.pk, "CHN", {"type": "ready"}, "p:4", None),           # no id
        ])
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["Applied", "Applied", "RuleError", "Applied", "Applied", "ServiceError",
                     "RuleError", "Applied"]
    assert (results[0].seq, results[0].duplicate) == (3, False)  # type: ignore[union-attr]
    assert (results[1].seq, results[1].duplicate) == (2, False)  # type: ignore[union-attr]
    assert (results[3].seq, results[3].duplicate) == (3, True)  # type: ignore[union-attr]
    assert (results[4].seq, results[4].duplicate) == (2, True)  # type: ignore[union-attr]
    assert (results[7].seq, results[7].duplicate) == (3, False)  # type: ignore[union-attr]
    assert results[2].code.value == "unknown_deal"  # type: ignore[union-attr]
    assert results[5].code == "not_found"  # type: ignore[union-attr]
    # The log and the rows hold exactly the accepted actions; the broadcasts, in order.
    assert list(ActionLog.objects.filter(game=a).values_list("seq", "client_msg_id")) == \
        [(1, None), (2, "old"), (3, "m1")]
    assert list(ActionLog.objects.filter(game=b).values_list("seq", "sender")) == \
        [(1, "f"), (2, "p:2"), (3, "p:4")]
    assert Game.objects.get(pk=a.pk).version == 3 and Game.objects.get(pk=b.pk).version == 3
    assert [(g, m["version"]) for g, m in kept] == [(a.pk, 3), (b.pk, 2), (b.pk, 3)]
    for g in (a, b):
        assert games.verify_log(g.pk)
        entry = loading.peek(g.pk)
        assert entry is not None and entry.version == entry.committed == 3


def test_a_batch_that_fails_unexpectedly_is_applied_again_one_by_one(monkeypatch):
    a, b = _started()
    calls = []
    real = sql.insert_logs

    def broken(rows, now):  # type: ignore[no-untyped-def]
        calls.append(len(rows))
        if len(rows) > 1:
            raise RuntimeError("disk on fire")
        real(rows, now)

    monkeypatch.setattr(sql, "insert_logs", broken)
    results = actions.apply_batch([(a.pk, "USA", OFFER, "p:1", "x1"),
                                   (b.pk, "USA", {"type": "ready"}, "p:1", "x2")])
    assert calls == [2, 1, 1]  # the batch failed as a whole ...
    assert [r.seq for r in results] == [2, 2]  # type: ignore[union-attr]
    # ... and then each on its own
    assert ActionLog.objects.filter(client_msg_id__in=["x1", "x2"]).count() == 2
    for g in (a, b):
        assert games.verify_log(g.pk)


def test_a_refusal_inside_a_batch_is_the_same_refusal_alone():
    a, _b = _started()
    alone = None
    try:
        actions.apply_action(a.pk, "USA", {"type": "accept_deal", "deal": "D1"}, sender="p:1")
    except RuleError as exc:
        alone = exc.code
    batch = actions.apply_batch([(a.pk, "USA", {"type": "accept_deal", "deal": "D1"}, "p:1",
                                  None), (a.pk, "USA", {"type": "ready"}, "p:1", None)])
    assert isinstance(batch[0], RuleError) and batch[0].code == alone
    assert not isinstance(batch[1], (RuleError, ServiceError))


@pytest.mark.asyncio
async def test_concurrent_actions_over_sockets_are_all_acked_once_in_order():
    user = await db(make_user)()
    game = await db(make_game)(user)
    tokens = [(await db(join)(game, seat, seat))[1] for seat in ("USA", "AUS", "CHN")]
    f = await facilitator(game.code, user)
    await f.control("start")
    clients = [await player(game.code, t) for t in tokens]
    before = dict(lane.stats)
    sent = []
    # 18 actions sent at once, open loop: the lane batches them. Each changes something:
    # USA and AUS say ready and not ready in turn (CHN never says ready, so the phase
    # never ends under them); CHN offers AUS a deal and withdraws it in turn.
    for round_ in range(6):
        for i, c in enumerate(clients):
            if i < 2:
                action = {"type": "ready", "ready": round_ % 2 == 0}
            elif round_ % 2 == 0:
                action = {"type": "propose_deal", "to": "AUS", "clauses": [
                    {"type": "payment", "payer": "CHN", "payee": "AUS", "amount": 1}]}
            else:
                action = {"type": "withdraw_deal", "deal": f"D{round_ // 2 + 1}"}
            sent.append((c, await c.send("action", {"action": action},
                                         msg_id=f"r{round_}-{i}")))
    acks = [await c.reply(mid) for c, mid in sent]
    assert all(a["type"] == "ack" and not a["duplicate"] for a in acks), acks
    seqs = sorted(a["seq"] for a in acks)
    assert seqs == list(range(2, 2 + len(sent)))
    batches = lane.stats["batches"] - before.get("batches", 0)  # the lane batched them
    assert lane.stats["actions"] - before.get("actions", 0) == len(sent) > batches
    for c in clients:  # every client ends at the last version, whatever was coalesced
        st = await c.state_at(seqs[-1])
        assert st["view"]["seq"] == seqs[-1]
    assert await db(games.verify_log)(game.pk)
    await asyncio.gather(*(c.close() for c in [*clients, f]))
