"""Run the clock and the bots on their own, beside (or instead of) the loop inside each
server process. Safe to run several: every deadline still fires exactly once."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from negotiation.realtime import background


class Command(BaseCommand):
    help = "End due phases and let bots act, forever (or --once)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        while True:
            fired = background.step()
            if fired:
                self.stdout.write(f"ended phases in games {fired}")
            if options["once"]:
                return
            time.sleep(settings.FORGE_CLOCK_INTERVAL)
