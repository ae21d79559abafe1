"""Which account a sender belongs to (issue 13): its addresses, its domains, its contact."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.db.models.functions import Lower

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
    return accounts_for_addresses([email]).get(email)


def accounts_for_addresses(emails: Iterable[str]) -> dict[str, Account | None]:
    """Return `account_for_address` of each sender, in three queries however many there are
    (a chunk of received mail)."""
    wanted = {email: sender_address(email) for email in emails}
    addresses = {a for a in wanted.values() if a}
    found: dict[str, Account | None] = {a: None for a in addresses}
    if not addresses:
        return dict.fromkeys(wanted)
    for row in (
        active_addresses()
        .filter(kind=AddressKind.ADDRESS, value__in=addresses)
        .select_related("account")
    ):
        found[row.value] = row.account
    rest = [a for a in addresses if found[a] is None]
    parents = {a: domain_and_parents(domain_of(a)) for a in rest}
    by_domain = {
        row.value: row.account
        for row in active_addresses()
        .filter(kind=AddressKind.DOMAIN, value__in={d for ds in parents.values() for d in ds})
        .select_related("account")
    }
    for address, domains in parents.items():
        found[address] = next((by_domain[d] for d in domains if d in by_domain), None)
    rest = [a for a in rest if found[a] is None]
    if rest:
        contacts = (
            Account.objects.annotate(contact=Lower("contact_email"))
            .filter(contact__in=rest)
            .order_by("-id")
        )
        for account in contacts:  # the oldest account last, so it wins
            found[account.contact] = account
    return {email: found.get(address) if address else None for email, address in wanted.items()}


def account_addresses(account: Account) -> QuerySet[AccountAddress]:
    """Return an account's addresses and domains now in use, domains first."""
    return (
        active_addresses()
        .filter(account=account)
        .select_related("added_by")
        .order_by("-kind", "value")
    )
