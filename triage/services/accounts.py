"""Writes to accounts."""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from shared.errors import invalid
from shared.validation import LINE_MAX, clean_line
from triage.models import Account, Tier

logger = logging.getLogger(__name__)


def account_create(
    *,
    name: str,
    tier: str,
    deployment: str,
    premium: bool = False,
    timezone_name: str = "",
    contact_email: str = "",
) -> Account:
    """Create a customer or prospect account; its name is one line of visible text."""
    try:
        name = clean_line(name, max_length=LINE_MAX)
    except ValidationError as error:
        raise invalid(name=error.messages[0]) from None
    if tier == Tier.INTERNAL:
        raise invalid(tier="Internal work has no account; file it with source 'internal'.")
    if Account.objects.filter(name__iexact=name).exists():
        raise invalid(name=f"An account named “{name}” already exists.")
    account = Account(
        name=name,
        tier=tier,
        deployment=deployment,
        premium=premium,
        timezone=timezone_name,
        contact_email=contact_email,
    )
    account.full_clean()
    account.save()
    return account


def account_set_contact_email(*, account: Account, email: str, by: User) -> Account:
    """Set where proactive notices to this customer go (blank: to whoever filed the ticket,
    else the team's NOTICE_FALLBACK_EMAIL)."""
    account.contact_email = email.strip()
    account.full_clean(exclude=[f.name for f in Account._meta.fields if f.name != "contact_email"])
    account.save(update_fields=["contact_email"])
    logger.info("%s set the contact e-mail of account #%s", by.username, account.pk)
    return account
