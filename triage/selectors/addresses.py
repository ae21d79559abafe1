"""Which account a mail address belongs to (issue 13): its contact address, then its domain."""

from __future__ import annotations

from triage.models import Account, AccountAddress, AddressKind


def account_for_address(email: str) -> Account | None:
    """Return the account whose address, domain or contact email matches `email`, or None."""
    address = (email or "").strip().lower()
    if "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1]
    for kind, value in ((AddressKind.ADDRESS, address), (AddressKind.DOMAIN, domain)):
        row = AccountAddress.objects.select_related("account").filter(kind=kind, value=value)
        if found := row.first():
            return found.account
    return Account.objects.filter(contact_email__iexact=address).order_by("id").first()
