"""Template tags behind the pre-sales partials that other apps' pages include in one line."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from presales import selectors
from shared import roles
from shared.templatetags.ui import countdown

register = template.Library()


@register.simple_tag(takes_context=True)
def presales_nav(context) -> dict:
    user = context["request"].user
    return {
        "requests": roles.has_role(user, roles.CE, roles.SUPPORT, roles.LEADERSHIP),
        "new": roles.has_role(user, roles.CE),
        "exceptions": roles.has_role(user, roles.CE, roles.SUPPORT, roles.LEADERSHIP),
        "channels": roles.has_role(user, roles.SUPPORT, roles.LEADERSHIP),
    }


@register.simple_tag(takes_context=True)
def presales_queue_panel(context, tickets=None) -> dict:
    """Return key-date flags for this page of tickets (one query) and the user's channels."""
    user = context["request"].user
    tickets = list(tickets or [])
    flags = selectors.key_date_flags(tickets)
    return {
        "flagged": [(t, flags[t.pk]) for t in tickets if t.pk in flags],
        "to_leave": selectors.channels_to_leave(user)
        if roles.has_role(user, roles.SUPPORT)
        else [],
        "today": timezone.localdate(),
    }


@register.simple_tag(takes_context=True)
def presales_ticket_panel(context, ticket) -> dict:
    return selectors.ticket_panel(ticket, context["request"].user)


@register.filter
def days_from_today(day) -> int:
    return (day - timezone.localdate()).days


@register.filter
def attr_body(event) -> str:
    """Return a reply's text, shortened for a list."""
    body = getattr(event, "body", "") or ""
    return body if len(body) <= 80 else body[:79] + "…"


@register.simple_tag
def request_due(ticket, now):
    """Say the due time that ranks this ticket, as support sees it: 'first response due in
    1 h 40 min', then 'next update due in …'; paused while waiting on the customer."""
    if not ticket.is_open:
        return "—"
    if ticket.waits_on_customer:
        return "paused while support waits on the prospect"
    if ticket.first_response_at:
        return format_html(
            "next update due {}",
            countdown(ticket.next_update_due_at, now, None, getattr(ticket, "sla_warn_at", None)),
        )
    return format_html(
        "first response due {}",
        countdown(ticket.due_at, now, None, getattr(ticket, "sla_warn_at", None)),
    )
