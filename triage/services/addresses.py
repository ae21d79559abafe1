"""Writes to an account's addresses and email domains (issue 13), by support.

Nothing is hard-deleted: a removal stamps the row with who and when; the value may then be
added again. An address or domain maps to one account at a time (a unique constraint on the
rows in use), so a clash is a field error naming the account that has it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared import roles
from shared.address_rules import address_normal, domain_normal
from shared.errors import invalid
from triage.models import Account, AccountAddress, AddressKind

logger = logging.getLogger(__name__)


def _may_edit(by: User) -> None:
    """Raise PermissionDenied (403) for anyone but support and leadership, whoever calls."""
    roles.require_role(by, roles.SUPPORT, roles.LEADERSHIP, action="change an account's addresses")


def account_address_add(
    *, account: Account, kind: str, value: str, by: User, now: datetime | None = None
) -> AccountAddress:
    """Map an address ("ops@acme.io") or a domain ("acme.io", its subdomains too) to the
    account; raise a field error for a bad value or one another row in use already has."""
    _may_edit(by)
    if kind not in AddressKind.values:
        raise invalid(kind=f"Choose one of: {', '.join(AddressKind.values)}.")
    try:
        value = address_normal(value) if kind == AddressKind.ADDRESS else domain_normal(value)
    except ValueError as error:
        raise invalid(value=str(error)) from None
    taken = (
        AccountAddress.objects.filter(kind=kind, value=value, removed_at__isnull=True)
        .select_related("account")
        .first()
    )
    if taken is not None:
        raise invalid(value=_clash(taken, account))
    try:
        with transaction.atomic():
            row = AccountAddress.objects.create(
                account=account, kind=kind, value=value, added_at=now or timezone.now(), added_by=by
            )
    except IntegrityError:  # added by someone else a moment ago
        raise invalid(value=f"“{value}” was just added elsewhere; reload the page.") from None
    logger.info("%s mapped %s %s to account #%s", by.username, kind, value, account.pk)
    return row


def _clash(taken: AccountAddress, account: Account) -> str:
    if taken.account_id == account.pk:
        return f"“{taken.value}” is already on this account."
    return f"“{taken.value}” already belongs to the account “{taken.account.name}”."


@transaction.atomic
def account_address_remove(
    *, address: AccountAddress, by: User, now: datetime | None = None
) -> AccountAddress:
    """Stop mapping senders through this address or domain; the row stays, stamped."""
    _may_edit(by)
    row = AccountAddress.objects.select_for_update().get(pk=address.pk)
    if row.removed_at is None:
        row.removed_at, row.removed_by = now or timezone.now(), by
        row.save(update_fields=["removed_at", "removed_by"])
        logger.info(
            "%s unmapped %s %s from account #%s", by.username, row.kind, row.value, row.account_id
        )
    return row
