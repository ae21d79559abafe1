"""Which account a sender belongs to (issue 13): its addresses, its domains, its contact."""

from __future__ import annotations

from django.db.models import QuerySet

from shared.address_rules import domain_and_parents, domain_of, sender_address
from triage.models import Account, AccountAddress, AddressKind


def active_addresses() -> QuerySet[AccountAddress]:
    """Return the addresses and domains that map senders now (not removed)."""
    return AccountAddress.objects.filter(removed_at__isnull=True)


def account_for_address(email: str) -> Account | None:
    """Return the account a sender's address belongs to, or None for an unknown sender.

    In order, case-insensitively: an account address equal to it; else the account of its
    domain or the nearest parent domain ("eu.acme.io", then "acme.io"); else an account whose
    contact address it is (the oldest account, should two share one).
    """
    address = sender_address(email)
    if not address:
        return None
    exact = (
        active_addresses()
        .filter(kind=AddressKind.ADDRESS, value=address)
        .select_related("account")
        .first()
    )
    if exact is not None:
        return exact.account
    domains = domain_and_parents(domain_of(address))
    rows = list(
        active_addresses()
        .filter(kind=AddressKind.DOMAIN, value__in=domains)
        .select_related("account")
    )
    if rows:
        return min(rows, key=lambda row: domains.index(row.value)).account
    return Account.objects.filter(contact_email__iexact=address).order_by("id").first()


def account_addresses(account: Account) -> QuerySet[AccountAddress]:
    """Return an account's addresses and domains now in use, domains first."""
    return (
        active_addresses()
        .filter(account=account)
        .select_related("added_by")
        .order_by("-kind", "value")
    )
