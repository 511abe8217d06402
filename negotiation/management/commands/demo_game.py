"""`make run`'s demo: a facilitator account and a game on the ministerial scenario with
most seats played by bots, ready to join; prints the links. Idempotent: a second run
reuses the unfinished demo game.

Only for the loopback default: on any other address the command creates nothing (a known
account on a LAN is an open door) and says how to make an account. The facilitator gets a
random password, printed once when it is set; FORGE_DEMO_PASSWORD chooses one instead."""

import ipaddress
import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from negotiation import scenarios
from negotiation.models import Game
from negotiation.services import games

USERNAME = "facilitator"
OLD_FIXED_PASSWORD = "forge-dev"  # what earlier versions set: replaced on the next run
HUMAN_SEATS = 2
STRATEGIES = ("cooperative", "hawk", "passive")


class Command(BaseCommand):
    help = "Create (once) the demo facilitator and game, and print how to join."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--scenario", default="ministerial-2026")
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        scenario_id = options["scenario"]
        available = scenarios.available()
        if scenario_id not in available:
            if not available:
                raise CommandError("no scenarios in fixtures/scenarios")
            self.stderr.write(f"{scenario_id} not found; using {available[0]}")
            scenario_id = available[0]
        User = get_user_model()
        if not is_loopback(options["host"]):
            old = User.objects.filter(username=USERNAME).first()
            if old is not None and old.check_password(OLD_FIXED_PASSWORD):
                old.set_unusable_password()  # the password every copy of the README printed
                old.save()
                self.stdout.write(f"The account {USERNAME} had the old public password; it "
                                  "can no longer log in.")
            self.stdout.write(
                f"Serving on {options['host']}, not loopback: no demo facilitator or game is "
                "created. Make an account with `.venv/bin/python manage.py createsuperuser`"
                "; ALLOWED_HOSTS must name the address people will type.")
            return
        user, created = User.objects.get_or_create(username=USERNAME,
                                                   defaults={"is_staff": True})
        chosen = os.environ.get("FORGE_DEMO_PASSWORD", "")
        if chosen:
            if created or not user.check_password(chosen):
                user.set_password(chosen)
                user.save()
            login = f"log in as {USERNAME} with FORGE_DEMO_PASSWORD"
        elif created or user.check_password(OLD_FIXED_PASSWORD) or not user.has_usable_password():
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            login = f"log in as {USERNAME} / {password}  (shown once: note it now)"
        else:
            login = (f"log in as {USERNAME} with the password printed when it was made; "
                     f"`manage.py changepassword {USERNAME}` sets a new one")
        game = (Game.objects.filter(created_by=user, scenario_id=scenario_id,
                                    options__demo=True)
                .exclude(status=Game.ENDED).order_by("-created").first())
        if game is None:
            seats = scenarios.get(scenario_id).seat_ids
            bots = {s: STRATEGIES[i % len(STRATEGIES)]
                    for i, s in enumerate(seats[HUMAN_SEATS:])}
            game = games.create_game(user, scenario_id, {"bots": bots})
            game.options = {**game.options, "demo": True}
            game.save(update_fields=["options"])
        host = options["host"].strip("[]")
        base = f"http://{f'[{host}]' if ':' in host else host}:{options['port']}"
        humans = list(game.seats.filter(controller="human").values_list("seat_id", flat=True))
        self.stdout.write(self.style.SUCCESS(f"Demo game {game.code} on {scenario_id}"))
        self.stdout.write(f"  human seats: {', '.join(humans)} (the rest are bots)")
        self.stdout.write(f"  players:     {base}/join/?code={game.code}")
        self.stdout.write(f"  projector:   {base}/g/{game.code}/watch/")
        self.stdout.write(f"  facilitator: {base}/g/{game.code}/facilitate/  ({login})")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: only this machine can reach a server bound there."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
