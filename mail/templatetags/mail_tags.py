"""Template tags behind the mail partials that other apps' pages include in one line."""

from django import template

from shared import roles
from triage.models import Channel, Source

register = template.Library()


@register.simple_tag(takes_context=True)
def mail_nav(context) -> dict:
    user = context["request"].user
    return {"quarantine": roles.has_role(user, roles.LEADERSHIP, roles.SUPPORT)}


@register.simple_tag(takes_context=True)
def mail_ticket_panel(context, ticket) -> dict:
    """Return what the ticket page's Email panel shows: the account picker (the thread and its
    files are the ticket page's own section)."""
    user = context["request"].user
    email = ticket.channel == Channel.EMAIL
    pick = (
        email
        and ticket.is_open
        and ticket.source != Source.INTERNAL
        and roles.has_role(user, roles.SUPPORT)
    )
    return {"show": email and (pick or ticket.account_id is None), "pick_account": pick}
