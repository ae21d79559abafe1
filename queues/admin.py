from django.contrib import admin, messages

from queues import services
from queues.models import Absence, LevelThreshold, LoadEpisode, Notice, NoticeSwitch, StaffProfile
from shared.admin import NoDeleteAdmin


@admin.register(StaffProfile)
class StaffProfileAdmin(NoDeleteAdmin):
    list_display = ["user", "timezone", "region", "updated_at"]
    list_filter = ["region"]
    list_select_related = ["user"]
    search_fields = ["user__username"]


@admin.register(Absence)
class AbsenceAdmin(NoDeleteAdmin):
    list_display = ["user", "start", "end", "reason", "cancelled_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "reason"]


@admin.register(LevelThreshold)
class LevelThresholdAdmin(NoDeleteAdmin):
    list_display = ["level", "name", "staffing_at_or_below", "load_above"]


@admin.register(LoadEpisode)
class LoadEpisodeAdmin(NoDeleteAdmin):
    list_display = ["started_at", "ended_at", "state", "level", "peak_level"]
    list_filter = ["state"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in LoadEpisode._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(NoDeleteAdmin):
    list_display = ["id", "ticket", "status", "attempts", "recipient", "created_at", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__title", "recipient"]
    actions = ["resend"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Resend uncertain or given-up notices")
    def resend(self, request, queryset):
        count = services.notices_resend(
            ids=list(queryset.values_list("id", flat=True)), by=request.user
        )
        self.message_user(request, f"{count} notice(s) back in the outbox.", messages.SUCCESS)


@admin.register(NoticeSwitch)
class NoticeSwitchAdmin(NoDeleteAdmin):
    """The audit of pausing and resuming notices; changes are made on the notices page."""

    list_display = ["at", "paused", "by", "reason"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in NoticeSwitch._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
