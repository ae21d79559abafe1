"""Template tags behind the mail partials that other apps' pages include in one line."""

from django import template

from mail import selectors
from shared import roles
from triage.models import Channel, Source

register = template.Library()


@register.simple_tag(takes_context=True)
def mail_nav(context) -> dict:
    user = context["request"].user
    return {"quarantine": roles.has_role(user, roles.LEADERSHIP, roles.SUPPORT)}


@register.simple_tag(takes_context=True)
def mail_ticket_panel(context, ticket) -> dict:
    """Return what the ticket page shows of mail: received files and the account picker."""
    user = context["request"].user
    email = ticket.channel == Channel.EMAIL
    return {
        "email": email,
        "attachments": selectors.ticket_attachments(ticket) if email else [],
        "pick_account": email
        and ticket.is_open
        and ticket.source != Source.INTERNAL
        and roles.has_role(user, roles.SUPPORT),
    }
