"""Which account a sender belongs to, and support editing the map (issue 13, point 3).

With PostgreSQL: the unique constraint on the rows in use is the database's.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import AccountFactory
from triage.models import AccountAddress
from triage.selectors import account_for_address
from triage.services import account_address_add, account_address_remove

pytestmark = pytest.mark.postgres


def add(account, kind, value, by):
    return account_address_add(account=account, kind=kind, value=value, by=by)


def test_an_address_then_a_domain_then_a_parent_domain_then_the_contact(postgres, sam_support):
    acme = AccountFactory(name="Acme")
    acme_eu = AccountFactory(name="Acme EU")
    partner = AccountFactory(name="Partner")
    contact = AccountFactory(name="Contact only", contact_email="Boss@Small.example")
    add(acme, "domain", "acme.io", sam_support)
    add(acme_eu, "domain", "EU.acme.io", sam_support)
    add(partner, "address", "consultant@acme.io", sam_support)

    assert account_for_address("someone@acme.io") == acme
    assert account_for_address("Someone@ACME.IO") == acme  # any case
    assert account_for_address("ops@eu.acme.io") == acme_eu  # the nearest domain wins
    assert account_for_address("ops@mail.eu.acme.io") == acme_eu  # a parent domain
    assert account_for_address("ops@us.acme.io") == acme
    assert account_for_address("CONSULTANT@acme.io") == partner  # an address beats its domain
    assert account_for_address("boss@small.example") == contact  # the contact, last
    assert account_for_address("other@small.example") is None
    assert account_for_address("nobody@elsewhere.example") is None
    assert account_for_address("") is None and account_for_address("not an address") is None
    assert account_for_address("x@notacme.io") is None  # a suffix is not a parent domain


def test_a_clash_is_a_field_error_and_nothing_is_saved(postgres, sam_support):
    acme, other = AccountFactory(name="Acme"), AccountFactory(name="Other")
    add(acme, "domain", "acme.io", sam_support)
    with pytest.raises(ValidationError) as error:
        add(other, "domain", "ACME.io", sam_support)
    assert "already belongs to the account “Acme”" in error.value.message_dict["value"][0]
    with pytest.raises(ValidationError) as error:
        add(acme, "domain", "acme.io", sam_support)
    assert "already on this account" in error.value.message_dict["value"][0]
    for kind, value in [("domain", "io"), ("address", "Ops <ops@acme.io>"), ("phone", "x@y.io")]:
        with pytest.raises(ValidationError):
            add(other, kind, value, sam_support)
    assert AccountAddress.objects.count() == 1


def test_removal_keeps_the_row_and_frees_the_value(postgres, sam_support, sofia_support):
    acme, other = AccountFactory(name="Acme"), AccountFactory(name="Other")
    row = add(acme, "domain", "acme.io", sam_support)
    assert (row.added_by, row.added_at is not None) == (sam_support, True)
    removed = account_address_remove(address=row, by=sofia_support)
    assert removed.removed_by == sofia_support and removed.removed_at is not None
    assert account_for_address("ops@acme.io") is None
    again = add(other, "domain", "acme.io", sam_support)  # free to map elsewhere now
    assert account_for_address("ops@acme.io") == other
    assert AccountAddress.objects.count() == 2 and again.pk != row.pk
    # Removing twice changes nothing.
    assert account_address_remove(address=row, by=sam_support).removed_by == sofia_support


def test_only_support_and_leadership_edit_the_map(postgres, eve_engineering, cara_ce):
    acme = AccountFactory(name="Acme")
    for who in (eve_engineering, cara_ce):
        with pytest.raises(PermissionDenied):  # a 403, not a form error, whoever calls
            add(acme, "domain", "acme.io", who)
    assert not AccountAddress.objects.exists()
