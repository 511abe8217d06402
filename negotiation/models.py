"""What the server stores. The action log is the truth for a game; the Game row carries the
version (the engine's seq) so one row lock serialises every change to a game, and the
clock's deadline so phases end on time across restarts and processes. Snapshots only
save replay time."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Game(models.Model):
    LOBBY, RUNNING, PAUSED, ENDED = "lobby", "running", "paused", "ended"
    STATUSES = [(s, s) for s in (LOBBY, RUNNING, PAUSED, ENDED)]

    code = models.CharField(max_length=12, unique=True)
    scenario_id = models.CharField(max_length=64)
    seed = models.BigIntegerField()
    # Server options (phase seconds, spectator delay, school mode, advisor, bot strategies)
    # and, under "engine", exactly the keyword arguments given to engine Game.new.
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=STATUSES, default=LOBBY)
    version = models.IntegerField(default=0)
    round = models.IntegerField(default=0)
    phase = models.CharField(max_length=16, default="lobby")
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    paused_remaining = models.FloatField(null=True, blank=True)  # seconds left when paused
    bots_version = models.IntegerField(default=-1)  # version the bots last looked at
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="forge_games")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="forks")
    forked_from_round = models.IntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.code} ({self.scenario_id}, v{self.version}, {self.status})"

    @property
    def engine_options(self) -> dict:
        return dict(self.options.get("engine", {}))


class Seat(models.Model):
    """A delegation's chair at the table; the engine's controller is mirrored here for lists."""

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="seats")
    seat_id = models.CharField(max_length=32)
    controller = models.CharField(max_length=32, default="human")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["game", "seat_id"], name="uniq_seat")]
        ordering = ["game", "id"]

    def __str__(self) -> str:
        return f"{self.game.code}:{self.seat_id} ({self.controller})"


class Player(models.Model):
    """A person in a seat (several make a delegation). Only a hash of the token id is kept,
    so a leaked database cannot mint connections, and revoking is one flag."""

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="players")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="players")
    name = models.CharField(max_length=40)
    token_hash = models.CharField(max_length=64, unique=True)
    revoked = models.BooleanField(default=False)
    muted = models.BooleanField(default=False)
    # Briefed before round 1 (negotiation/briefing.py): how many of the quiz's three
    # questions were right at the first try; null until the person has done the briefing.
    briefed = models.PositiveSmallIntegerField(null=True, blank=True)
    # The quiz as answered so far (control op `quiz`): per question, tries and whether it
    # was answered right; {} until the first answer. The facilitator sees it live.
    quiz = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.seat}"


class ActionLog(models.Model):
    """One accepted action. `sender` is who sent it (player id, facilitator, clock, bot):
    idempotency is per sender, so two members of a delegation can never collide on ids."""

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="log")
    seq = models.IntegerField()
    actor = models.CharField(max_length=32)  # engine actor: seat id or "facilitator"
    sender = models.CharField(max_length=40)
    payload = models.JSONField()
    events = models.JSONField(default=list)
    client_msg_id = models.CharField(max_length=64, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["game", "seq"], name="uniq_log_seq"),
            models.UniqueConstraint(fields=["game", "sender", "client_msg_id"],
                                    name="uniq_log_client_msg"),
        ]
        ordering = ["game", "seq"]

    def __str__(self) -> str:
        return f"{self.game_id}#{self.seq} {self.actor} {self.payload.get('type')}"


class Snapshot(models.Model):
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="snapshots")
    seq = models.IntegerField()
    blob = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["game", "seq"], name="uniq_snapshot")]

    def __str__(self) -> str:
        return f"{self.game_id}@{self.seq}"


class ChatMessage(models.Model):
    """Rooms: "plenary" (all seats), "pair:A|B" (A < B; those two seats only), "announce"
    (the facilitator to everyone). The facilitator reads every room."""

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="chat")
    room = models.CharField(max_length=80)
    sender = models.CharField(max_length=40)  # seat id or "facilitator"
    player = models.ForeignKey(Player, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=40)
    text = models.TextField()
    client_msg_id = models.CharField(max_length=64, null=True, blank=True)
    reported = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["game", "room", "id"])]

    def __str__(self) -> str:
        return f"{self.game_id}/{self.room}: {self.text[:30]}"


class ModerationLog(models.Model):
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="moderation")
    by = models.CharField(max_length=80)
    act = models.CharField(max_length=32)
    target = models.CharField(max_length=80, blank=True)
    detail = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.game_id}: {self.by} {self.act} {self.target}"


class AdviceLog(models.Model):
    """One use of the advisor: who asked, for which seat, at which version, and exactly
    what they were told (for the debrief and the assessment sheet)."""

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="advice")
    seat = models.CharField(max_length=32)
    player = models.ForeignKey(Player, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="advice")
    seq = models.IntegerField()  # the game's version the advice was given at
    advice = models.JSONField()
    client_msg_id = models.CharField(max_length=64, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["game", "id"])]

    def __str__(self) -> str:
        return f"{self.game_id}#{self.seq} advice for {self.seat}"
