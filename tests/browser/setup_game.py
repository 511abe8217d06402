"""Set up a table for the browser tests inside the test server's database (run in a
subprocess with the server's DATABASE_URL): the facilitator account and a game, optionally
started; or apply one action to a game (e.g. while the server is down), the facilitator's
or, with --actor, a seat's (a deal two seats sign without driving two pages).
Prints one JSON line.

    python -m tests.browser.setup_game --scenario classroom-lite [--bots CHN=hawk] [--start]
        [--advisor]
    python -m tests.browser.setup_game --apply CODE '{"type": "advance"}' [--actor USA]
"""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "negotiation.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from game import FACILITATOR  # noqa: E402
from negotiation.services import actions, games  # noqa: E402
from tests.browser.server import PASSWORD, USERNAME  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="classroom-lite")
    ap.add_argument("--bots", default="", help="SEAT=strategy,...")
    ap.add_argument("--start", action="store_true")
    ap.add_argument("--negotiation-seconds", type=int, default=900)
    ap.add_argument("--orders-seconds", type=int, default=900)
    ap.add_argument("--school-mode", action="store_true")
    ap.add_argument("--advisor", action="store_true")
    ap.add_argument("--apply", nargs=2, metavar=("CODE", "ACTION_JSON"))
    ap.add_argument("--actor", default=FACILITATOR)
    a = ap.parse_args()
    if a.apply:
        row = games.by_code(a.apply[0])
        applied = actions.apply_action(row.pk, a.actor, json.loads(a.apply[1]),
                                       sender="browser-test")
        print(json.dumps({"code": row.code, "seq": applied.seq}))
        return
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"is_staff": True})
    if not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save()
    bots = dict(part.split("=", 1) for part in a.bots.split(",") if "=" in part)
    game = games.create_game(user, a.scenario, {
        "bots": bots, "negotiation_seconds": a.negotiation_seconds,
        "orders_seconds": a.orders_seconds, "school_mode": a.school_mode,
        "advisor": a.advisor})
    if a.start:
        actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="browser-test")
    print(json.dumps({"code": game.code, "game": game.pk}))


if __name__ == "__main__":
    main()
