"""Admin for pre-sales rows: leadership may view and edit, nobody deletes (nothing hard-deleted)."""

from django.contrib import admin

from presales.models import (
    ChannelEngagement,
    ExceptionEvent,
    KeyDate,
    PresalesException,
    PresalesRequest,
)


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class KeyDateInline(admin.TabularInline):
    model = KeyDate
    extra = 0
    can_delete = False


@admin.register(PresalesRequest)
class PresalesRequestAdmin(NoDelete):
    list_display = ["ticket", "account", "requested_by", "impact_scope", "created_at"]
    list_select_related = ["ticket", "account", "requested_by"]
    search_fields = ["summary", "account__name"]
    raw_id_fields = ["ticket", "account", "requested_by"]
    inlines = [KeyDateInline]


@admin.register(KeyDate)
class KeyDateAdmin(NoDelete):
    list_display = ["request", "date", "label"]
    raw_id_fields = ["request"]


class ExceptionEventInline(admin.TabularInline):
    model = ExceptionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "status", "note"]


@admin.register(PresalesException)
class PresalesExceptionAdmin(NoDelete):
    list_display = ["id", "kind", "account", "requested_by", "status", "ends_on", "decided_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["account", "requested_by", "decided_by"]
    raw_id_fields = ["account", "ticket", "requested_by", "decided_by"]
    inlines = [ExceptionEventInline]


@admin.register(ExceptionEvent)
class ExceptionEventAdmin(NoDelete):
    list_display = ["exception", "at", "actor", "status"]
    raw_id_fields = ["exception", "actor"]


@admin.register(ChannelEngagement)
class ChannelEngagementAdmin(NoDelete):
    list_display = ["channel", "ticket", "engineer", "joined_at", "left_at", "reminded_at"]
    list_filter = ["left_at"]
    list_select_related = ["ticket", "engineer"]
    raw_id_fields = ["ticket", "engineer"]
