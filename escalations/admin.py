"""Admin for escalations: read-only, since decisions go through the app and its timeline."""

from django.contrib import admin

from escalations.models import Escalation, EscalationDecision


class EscalationDecisionInline(admin.TabularInline):
    model = EscalationDecision
    fields = ["at", "by", "decision", "target_date", "question", "reason", "notified_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "ticket",
        "state",
        "urgency",
        "summary",
        "customer_deadline",
        "created_at",
    ]
    list_filter = ["state", "urgency"]
    search_fields = ["summary", "ticket__title"]
    list_select_related = ["ticket"]
    inlines = [EscalationDecisionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Escalation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
