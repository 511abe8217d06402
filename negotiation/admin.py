"""Admin: games, seats, people and logs browsable (read-mostly: the log is the truth and is
never edited by hand)."""

from django.contrib import admin

from negotiation.models import (
    ActionLog,
    AdviceLog,
    ChatMessage,
    Game,
    ModerationLog,
    Player,
    Seat,
    Snapshot,
)


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0


@admin.register(Game)
class GameAdmin(admin.ModelAdmin):
    list_display = ("code", "scenario_id", "status", "round", "phase", "version", "deadline",
                    "created_by", "created")
    list_filter = ("status", "scenario_id")
    search_fields = ("code", "scenario_id")
    inlines = [SeatInline]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ("game", "seat_id", "controller")
    list_filter = ("controller",)


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    list_display = ("name", "game", "seat", "revoked", "muted", "created")
    list_filter = ("revoked", "muted")
    exclude = ("token_hash",)


@admin.register(ActionLog)
class ActionLogAdmin(admin.ModelAdmin):
    list_display = ("game", "seq", "actor", "sender", "client_msg_id", "created")
    list_filter = ("actor",)
    readonly_fields = [f.name for f in ActionLog._meta.fields]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("game", "seq", "created")
    exclude = ("blob",)


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ("game", "room", "sender", "name", "text", "reported", "hidden", "created")
    list_filter = ("reported", "hidden")


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ("game", "by", "act", "target", "created")
    readonly_fields = [f.name for f in ModerationLog._meta.fields]


@admin.register(AdviceLog)
class AdviceLogAdmin(admin.ModelAdmin):
    list_display = ("game", "seat", "player", "seq", "created")
    readonly_fields = [f.name for f in AdviceLog._meta.fields]
