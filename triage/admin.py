from django.contrib import admin

from shared.admin import NoDeleteAdmin
from triage.models import Account, SlaCalendar, SlaTarget, Ticket, TicketEvent


@admin.register(Account)
class AccountAdmin(NoDeleteAdmin):
    list_display = ["name", "tier", "deployment", "premium", "timezone"]
    list_filter = ["tier", "deployment", "premium"]
    search_fields = ["name"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ["at", "actor", "kind", "from_value", "to_value", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(NoDeleteAdmin):
    """Read-only here: changes go through the app so the timeline records them (R10)."""

    list_display = ["id", "title", "tier", "priority", "severity", "status", "assignee", "due_at"]
    list_filter = ["status", "priority", "tier", "source"]
    search_fields = ["title", "account__name"]
    list_select_related = ["account", "assignee"]
    inlines = [TicketEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(NoDeleteAdmin):
    list_display = ["at", "ticket", "actor", "kind", "from_value", "to_value", "reason"]
    list_filter = ["kind"]
    list_select_related = ["ticket", "actor"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in TicketEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SlaCalendar)
class SlaCalendarAdmin(NoDeleteAdmin):
    list_display = ["name", "timezone", "holiday_country"]


@admin.register(SlaTarget)
class SlaTargetAdmin(NoDeleteAdmin):
    list_display = ["tier", "priority", "target_minutes", "calendar", "premium_calendar"]
    list_filter = ["tier"]
