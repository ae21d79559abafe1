"""`{{ ticket|sla_state }}` → "ok" | "near" | "breached", for the queue page's row styling."""

from django import template
from django.utils import timezone

from triage.selectors import sla_state as clock_state

register = template.Library()


@register.filter
def sla_state(ticket) -> str:
    """Return the ticket's SLA state now; annotate the queryset with `with_sla_clock` first."""
    return clock_state(ticket, timezone.now())
