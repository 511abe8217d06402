"""HTTP: lobby, create, join (form and JSON), pages, and the facilitator-only exports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from game import FACILITATOR
from negotiation.models import Game, Player
from negotiation.services import actions, chat
from tests.server.helpers import join, make_game, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_join_and_play_pages():
    user = make_user()
    c = Client()
    c.force_login(user)
    assert c.get("/").status_code == 200
    r = c.post("/games/new/", {"scenario": "server-tiny", "rounds-server-tiny": "1",
                               "ctl-server-tiny-CHN": "bot:hawk"})
    assert r.status_code == 302
    game = Game.objects.get()
    assert r["Location"] == f"/g/{game.code}/facilitate/"
    assert game.options["engine"] == {"rounds": 1, "controllers": {"CHN": "bot:hawk"}}
    page = c.get(r["Location"])
    assert page.status_code == 200 and game.code.encode() in page.content
    anon = Client()
    assert anon.get(f"/g/{game.code}/facilitate/").status_code == 302
    assert anon.post("/games/new/", {"scenario": "server-tiny"}).status_code == 302
    form = anon.get(f"/join/?code={game.code.lower()}").content.decode()
    # every seat by name; the bot's seat is shown but cannot be chosen
    assert 'value="USA" id="seat-USA"' in form and "United States" in form
    assert re.search(r'value="CHN" id="seat-CHN" disabled', form)
    r = anon.post("/join/", {"code": game.code, "name": "Ann", "seat": "USA"})
    assert r.status_code == 302 and r["Location"] == f"/g/{game.code}/play/"
    play = anon.get(r["Location"])
    assert play.status_code == 200 and b"forge-token" in play.content
    assert Client().get(f"/g/{game.code}/play/").status_code == 302  # no token: to join
    assert anon.get(f"/g/{game.code}/watch/").status_code == 200
    assert anon.get("/g/NOSUCH/watch/").status_code == 404


def test_json_join():
    game = make_game()
    c = Client()
    r = c.post("/api/join/", json.dumps({"code": game.code, "name": "Ann", "seat": "AUS"}),
               content_type="application/json")
    assert r.status_code == 200 and r.json()["seat"] == "AUS" and r.json()["token"]
    for body, status, code in [("nope", 400, "bad_json"),
                               (json.dumps({"code": "XXXXXX", "name": "A", "seat": "AUS"}),
                                404, "not_found"),
                               (json.dumps({"code": game.code, "name": "", "seat": "AUS"}),
                                400, "bad_request")]:
        r = c.post("/api/join/", body, content_type="application/json")
        assert r.status_code == status and r.json()["error"]["code"] == code
    assert Player.objects.count() == 1


def test_exports_are_for_the_facilitator_and_hold_the_game():
    user = make_user()
    game = make_game(user, bots={"CHN": "passive"})
    p, _ = join(game, "USA", "Ann")
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    actions.apply_action(game.pk, "USA", {"type": "propose_deal", "to": "AUS", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 2}]}, sender=f"p:{p.pk}")
    actions.apply_action(game.pk, "AUS", {"type": "accept_deal", "deal": "D1"}, sender="p:99")
    chat.post(game, sender="USA", room="plenary", text="hi", player=p, name="Ann")
    for _ in range(2):
        actions.apply_action(game.pk, FACILITATOR, {"type": "advance"}, sender="f:1")
    c = Client()
    c.force_login(user)
    log = c.get(f"/g/{game.code}/export/log.json").json()
    assert [a["seq"] for a in log["actions"]] == [1, 2, 3, 4, 5]
    deals = list(csv.DictReader(io.StringIO(c.get(f"/g/{game.code}/export/deals.csv")
                                            .content.decode())))
    assert deals[0]["deal"] == "D1" and deals[0]["status"] in ("active", "completed")
    rounds = list(csv.DictReader(io.StringIO(c.get(f"/g/{game.code}/export/rounds.csv")
                                             .content.decode())))
    assert {r["seat"] for r in rounds} == {"USA", "AUS", "CHN"} and rounds[0]["round"] == "1"
    sheet = list(csv.DictReader(io.StringIO(c.get(f"/g/{game.code}/export/assessment.csv")
                                            .content.decode())))
    assert sheet == [{**sheet[0], "name": "Ann", "seat": "USA", "offers_made": "1",
                      "messages_sent": "1"}]
    scores = c.get(f"/g/{game.code}/export/scores.json").json()
    assert set(scores["scores"]) == {"USA", "AUS", "CHN"}
    assert c.get(f"/g/{game.code}/export/secrets.txt").status_code == 404
    other = Client()
    other.force_login(make_user("other"))
    assert other.get(f"/g/{game.code}/export/log.json").status_code == 403
    assert Client().get(f"/g/{game.code}/export/log.json").status_code == 302


def test_demo_game_is_idempotent_and_prints_the_links(capsys, monkeypatch):
    monkeypatch.delenv("FORGE_DEMO_PASSWORD", raising=False)
    call_command("demo_game")
    first = capsys.readouterr().out
    call_command("demo_game")
    second = capsys.readouterr().out
    game = Game.objects.get()
    assert game.code in first and game.code in second
    assert f"/join/?code={game.code}" in first and "facilitator" in first
    humans = game.seats.filter(controller="human").count()
    assert humans == 2 and game.seats.count() == 13
    # A random password, printed once, when it is set; never the old public one.
    password = re.search(r"log in as facilitator / (\S+)", first)[1]
    assert len(password) >= 16 and password not in second and "forge-dev" not in first
    user = get_user_model().objects.get(username="facilitator")
    assert user.check_password(password) and not user.check_password("forge-dev")
    assert Client().login(username="facilitator", password=password)


def test_demo_password_is_new_for_each_database_and_may_be_chosen(monkeypatch, capsys):
    monkeypatch.delenv("FORGE_DEMO_PASSWORD", raising=False)
    call_command("demo_game")
    first = re.search(r"facilitator / (\S+)", capsys.readouterr().out)[1]
    Game.objects.all().delete()  # a fresh database
    get_user_model().objects.all().delete()
    call_command("demo_game")
    second = re.search(r"facilitator / (\S+)", capsys.readouterr().out)[1]
    assert first != second
    monkeypatch.setenv("FORGE_DEMO_PASSWORD", "chosen-by-the-teacher")
    call_command("demo_game")
    out = capsys.readouterr().out
    assert "chosen-by-the-teacher" not in out and "FORGE_DEMO_PASSWORD" in out
    assert get_user_model().objects.get().check_password("chosen-by-the-teacher")


def test_demo_game_upgrades_the_old_fixed_password(monkeypatch, capsys):
    monkeypatch.delenv("FORGE_DEMO_PASSWORD", raising=False)
    user = make_user("facilitator")
    user.set_password("forge-dev")
    user.save()
    call_command("demo_game")
    password = re.search(r"facilitator / (\S+)", capsys.readouterr().out)[1]
    user.refresh_from_db()
    assert user.check_password(password) and not user.check_password("forge-dev")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "forge.example.org"])
def test_no_demo_facilitator_off_loopback(host, monkeypatch, capsys):
    monkeypatch.delenv("FORGE_DEMO_PASSWORD", raising=False)
    old = make_user("facilitator")
    old.set_password("forge-dev")
    old.save()
    call_command("demo_game", host=host)
    out = capsys.readouterr().out
    assert "createsuperuser" in out and not Game.objects.exists()
    old.refresh_from_db()
    assert not old.has_usable_password()  # the public password no longer opens it
    old.delete()
    call_command("demo_game", host=host)
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"])
def test_demo_game_on_loopback(host, monkeypatch, capsys):
    monkeypatch.delenv("FORGE_DEMO_PASSWORD", raising=False)
    call_command("demo_game", host=host)
    assert "facilitator /" in capsys.readouterr().out and Game.objects.count() == 1
