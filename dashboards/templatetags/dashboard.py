"""Filters for the leadership dashboard: its figures are the API's (ISO times, stored values),
shown here as every page shows them (shared.display through the `ui` filters)."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.html import format_html

from escalations.models import EscalationState, Urgency
from queues.models import LoadState
from shared import display
from shared.templatetags import ui
from triage.models import Status, Tier

register = template.Library()

LABELS = {
    "status": Status.choices,
    "tier": Tier.choices,
    "load": LoadState.choices,
    "escalation": EscalationState.choices,
    "urgency": Urgency.choices,
}


@register.filter
def age(minutes) -> str:
    """Format a number of minutes as "3 d 4 h", "5 h 10 min" or "12 min"; "—" for none."""
    return display.minutes(minutes)


@register.filter
def percent(value) -> str:
    """Format a 0–1 share as a percentage; "—" when there is nothing to measure."""
    return "—" if value is None else f"{value * 100:.1f} %"


@register.filter
def iso_when(value, now=None):
    """Show an ISO timestamp from the figures as '3 Dec 14:05 · in 2 h'."""
    if not value:
        return "—"
    return ui.when(datetime.fromisoformat(value), now)


@register.filter
def iso_day(value):
    """Show an ISO date from the figures as '23 Dec · in 20 days'."""
    if not value:
        return "—"
    return ui.day(date.fromisoformat(value[:10]))


@register.filter
def key_date(value):
    """Show a nearest key date ("2026-12-23 decision") as 'decision 23 Dec · in 20 days'."""
    if not value:
        return "—"
    day, _, label = str(value).partition(" ")
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return ui.user_text(value)
    return format_html("{} {}", ui.user_text(label), ui.day(when))


@register.filter
def label_of(value, kind: str) -> str:
    """Show a stored value by its label: `{{ r.status|label_of:"status" }}`."""
    return display.label(value, LABELS[kind])
