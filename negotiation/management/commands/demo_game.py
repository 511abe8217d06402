"""`make run`'s demo: a facilitator account and a game on the ministerial scenario with
most seats played by bots, ready to join; prints the links. Idempotent: a second run
reuses the unfinished demo game."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from negotiation import scenarios
from negotiation.models import Game
from negotiation.services import games

DEV_PASSWORD = "forge-dev"  # for the local demo only; set FORGE_DEMO_PASSWORD elsewhere
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
        password = os.environ.get("FORGE_DEMO_PASSWORD", DEV_PASSWORD)
        User = get_user_model()
        user, created = User.objects.get_or_create(username="facilitator",
                                                   defaults={"is_staff": True})
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
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
        base = f"http://{options['host']}:{options['port']}"
        humans = list(game.seats.filter(controller="human").values_list("seat_id", flat=True))
        self.stdout.write(self.style.SUCCESS(f"Demo game {game.code} on {scenario_id}"))
        self.stdout.write(f"  human seats: {', '.join(humans)} (the rest are bots)")
        self.stdout.write(f"  players:     {base}/join/?code={game.code}")
        self.stdout.write(f"  projector:   {base}/g/{game.code}/watch/")
        self.stdout.write(f"  facilitator: {base}/g/{game.code}/facilitate/  "
                          f"(log in as facilitator / {password})")
