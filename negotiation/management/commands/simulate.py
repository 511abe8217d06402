"""`python manage.py simulate`: the same simulation as `python -m game.simulate`, with the
same options, for people who run everything through manage.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from game.simulate import add_arguments, simulate, table


class Command(BaseCommand):
    help = "Play many seeded games of bots and print the balance table (see game/simulate.py)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        add_arguments(parser)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        out = Path(options["out"]) if options["out"] else None
        try:
            summary = simulate(options["scenario"], options["games"], options["seed"],
                               options["bots"], options["jobs"], out,
                               progress=not options["no_progress"])
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(table(summary))
        if summary["bot_errors"]:
            raise CommandError(f"{summary['bot_errors']} bot actions were refused")
