"""Mailing the pre-sales template to CEs (R9, issue 13)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from mail import presales_template
from shared import roles
from shared.mail import mail_send


def template_body() -> str:
    """Return the mail a CE gets: how to use the template, then the template itself."""
    return (
        "Mail a pre-sales request to support by filling in these labelled lines (one label per\n"
        "line; a value may run on over the next lines, up to a blank line). Replace each <...>.\n"
        "A request missing a required field still enters the queue; you get one reply naming\n"
        "what is missing, with a link to complete it in the web form.\n\n"
        f"Send it to: {settings.SUPPORT_EMAIL}\n\n" + presales_template.template_text()
    )


def presales_template_send(*, usernames: Sequence[str] = ()) -> list[str]:
    """Mail the template to each active CE with an address; return the addresses it went to."""
    ces = roles.users_with_role(roles.CE).exclude(email="")
    if usernames:
        ces = ces.filter(username__in=list(usernames))
    sent = []
    for ce in ces.order_by("username"):
        mail_send(
            subject="Template: a pre-sales request by mail",
            body=template_body(),
            to=[ce.email],
            from_email=settings.SUPPORT_EMAIL,
        )
        sent.append(ce.email)
    return sent
