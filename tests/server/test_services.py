"""The services layer: create, join, apply (idempotent, atomic), rebuild from the log."""

from __future__ import annotations

import pytest

from game import FACILITATOR, RuleError
from negotiation.errors import ServiceError
from negotiation.models import ActionLog, Game, Player, Snapshot
from negotiation.services import actions, games, loading
from tests.server.helpers import join, make_game, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_game_makes_seats_and_a_short_unambiguous_code():
    game = make_game(bots={"CHN": "hawk"})
    assert len(game.code) == 6 and not set(game.code) & set("ILO01")
    seats = dict(game.seats.values_list("seat_id", "controller"))
    assert seats == {"USA": "human", "AUS": "human", "CHN": "bot:hawk"}
    assert game.status == Game.LOBBY and game.version == 0


@pytest.mark.parametrize("options, fragment", [
    ({"rounds": 9}, "rounds"),
    ({"negotiation_seconds": 0}, "negotiation_seconds"),
    ({"bots": {"XXX": "hawk"}}, "XXX"),
    ({"bots": {"USA": "bot:genius"}}, "controller"),
    ({"colour": "red"}, "colour"),
    ({"spectator_delay": -1}, "spectator_delay"),
])
def test_bad_options_are_refused_and_nothing_is_created(options, fragment):
    with pytest.raises(ServiceError) as exc:
        make_game(**options)
    assert exc.value.code == "bad_request" and fragment in exc.value.message
    assert Game.objects.count() == 0


def test_unknown_scenario_is_not_found():
    with pytest.raises(ServiceError) as exc:
        games.create_game(make_user(), "../../etc/passwd")
    assert exc.value.code == "not_found"


def test_join_gives_a_token_that_finds_the_player_and_can_be_revoked():
    game = make_game()
    player, token = join(game, "USA", "Ann")
    assert games.player_for_token(token, game.pk).pk == player.pk
    assert token not in Player.objects.get(pk=player.pk).token_hash
    Player.objects.filter(pk=player.pk).update(revoked=True)
    with pytest.raises(ServiceError) as exc:
        games.player_for_token(token, game.pk)
    assert exc.value.code == "forbidden"


def test_join_refuses_bot_seats_unknown_seats_and_bad_names():
    game = make_game(bots={"CHN": "hawk"})
    for seat, name, code in [("CHN", "Bo", "conflict"), ("XXX", "Bo", "not_found"),
                             ("USA", "", "bad_request"), ("USA", "x" * 41, "bad_request"),
                             ("USA", "a\x00b", "bad_request")]:
        with pytest.raises(ServiceError) as exc:
            join(game, seat, name)
        assert exc.value.code == code
    with pytest.raises(ServiceError) as exc:
        games.join("NOSUCH", "Bo", "USA")
    assert exc.value.code == "not_found"
    assert Player.objects.count() == 0


def test_apply_appends_to_the_log_and_bumps_the_version():
    game = make_game()
    a = actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1",
                             client_msg_id="x1")
    game.refresh_from_db()
    assert a.seq == 1 and game.version == 1 and game.status == Game.RUNNING
    assert game.phase == "negotiation" and game.deadline is not None
    row = ActionLog.objects.get(game=game, seq=1)
    assert row.payload == {"type": "start"} and row.actor == FACILITATOR
    assert any(e["kind"] == "round_started" for e in row.events)


def test_a_duplicate_client_id_has_no_second_effect_and_the_same_answer():
    game = make_game()
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    first = actions.apply_action(game.pk, "USA", {"type": "ready"}, sender="p:1",
                                 client_msg_id="r1")
    again = actions.apply_action(game.pk, "USA", {"type": "ready"}, sender="p:1",
                                 client_msg_id="r1")
    assert (first.seq, first.duplicate) == (2, False)
    assert (again.seq, again.duplicate) == (2, True)
    assert ActionLog.objects.filter(game=game).count() == 2
    # another sender may use the same id: ids are per sender
    other = actions.apply_action(game.pk, "AUS", {"type": "ready"}, sender="p:2",
                                 client_msg_id="r1")
    assert other.seq == 3 and not other.duplicate


def test_a_refused_action_changes_nothing():
    game = make_game()
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    before = loading.rebuild_from_log(Game.objects.get(pk=game.pk)).state_bytes()
    for actor, payload, code in [
        ("USA", {"type": "accept_deal", "deal": "D99"}, "unknown_deal"),
        ("USA", {"type": "start"}, "not_facilitator"),
        ("USA", {"type": "nonsense"}, "unknown_action"),
        ("USA", {"type": "ready", "ready": "yes"}, "bad_action"),
        ("ZZZ", {"type": "ready"}, "not_a_seat"),
    ]:
        with pytest.raises(RuleError) as exc:
            actions.apply_action(game.pk, actor, payload, sender="p:1", client_msg_id=code)
        assert exc.value.code.value == code
    game.refresh_from_db()
    assert game.version == 1 and ActionLog.objects.filter(game=game).count() == 1
    with loading.lock(game.pk):
        assert loading.load(game).game.state_bytes() == before


def test_the_log_rebuilds_the_game_and_a_stale_cache_catches_up():
    game = make_game(bots={"CHN": "passive"})
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    actions.apply_action(game.pk, "USA", {"type": "propose_deal", "to": "AUS", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 5}]}, sender="p:1")
    actions.apply_action(game.pk, "AUS", {"type": "accept_deal", "deal": "D1"}, sender="p:2")
    assert games.verify_log(game.pk)
    # another process moved on: the cache here is behind the database
    stale = loading.peek(game.pk)
    assert stale is not None
    loading.reset()
    actions.apply_action(game.pk, "USA", {"type": "ready"}, sender="p:1")
    loading._cache[game.pk] = stale  # the old entry, at version 3
    row = Game.objects.get(pk=game.pk)
    with loading.lock(game.pk):
        entry = loading.load(row)
    assert entry.version == row.version == 4
    assert entry.game.state_bytes() == loading.rebuild_from_log(row).state_bytes()


def test_snapshots_are_taken_at_round_starts_and_used_for_rebuilds(settings):
    settings.FORGE_SNAPSHOT_EVERY = 3
    game = make_game()
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    for i in range(4):
        actions.apply_action(game.pk, "USA", {"type": "ready", "ready": i % 2 == 0},
                             sender="p:1")
    seqs = set(Snapshot.objects.filter(game=game).values_list("seq", flat=True))
    assert {1, 3} <= seqs
    row = Game.objects.get(pk=game.pk)
    assert loading.rebuild(row).state_bytes() == loading.rebuild_from_log(row).state_bytes()
