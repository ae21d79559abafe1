"""Support edits an account's mail addresses and domains on its page and in the API (issue 13)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import AccountFactory
from tests.hostile import assert_html_inert
from triage.models import AccountAddress
from triage.selectors import account_for_address

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_support_adds_and_removes_a_domain_on_the_account_page(sam_support):
    account = AccountFactory(name="Acme")
    sam = client_for(sam_support)
    url = f"/accounts/{account.pk}/"
    added = sam.post(f"{url}addresses/", {"kind": "domain", "value": "ACME.io"})
    assert added.status_code == 302 and added["Location"] == url
    page = sam.get(url).content.decode()
    assert "Mail addresses and domains" in page and "acme.io" in page
    assert "Mail from the domain acme.io now files for this account." in page
    assert account_for_address("ops@eu.acme.io") == account

    row = AccountAddress.objects.get()
    removed = sam.post(f"{url}addresses/{row.pk}/remove/")
    assert removed.status_code == 302
    row.refresh_from_db()
    assert row.removed_by == sam_support and row.removed_at is not None
    assert account_for_address("ops@acme.io") is None
    assert "No addresses or domains yet." in sam.get(url).content.decode()
    assert sam.post(f"{url}addresses/{row.pk}/remove/").status_code == 404  # already removed


def test_a_clash_or_a_bad_value_is_a_form_error_and_nothing_is_saved(sam_support):
    acme, other = AccountFactory(name="Acme"), AccountFactory(name="Other")
    sam = client_for(sam_support)
    sam.post(f"/accounts/{acme.pk}/addresses/", {"kind": "domain", "value": "acme.io"})
    clash = sam.post(f"/accounts/{other.pk}/addresses/", {"kind": "domain", "value": "acme.io"})
    assert clash.status_code == 400
    page = clash.content.decode()
    assert "already belongs to the account “Acme”" in page and 'aria-invalid="true"' in page
    bad = sam.post(
        f"/accounts/{other.pk}/addresses/",
        {"kind": "address", "value": "x\r\nBcc: <script>alert(1)</script>@x.io"},
    )
    assert bad.status_code == 400 and "is not one e-mail address" in bad.content.decode()
    assert_html_inert(bad.content.decode())
    assert AccountAddress.objects.count() == 1


def test_only_support_and_leadership_edit_others_see_the_list(
    sam_support, eve_engineering, cara_ce
):
    account = AccountFactory(name="Acme")
    client_for(sam_support).post(
        f"/accounts/{account.pk}/addresses/", {"kind": "address", "value": "ops@acme.io"}
    )
    eve = client_for(eve_engineering)
    assert (
        eve.post(
            f"/accounts/{account.pk}/addresses/", {"kind": "domain", "value": "acme.io"}
        ).status_code
        == 403
    )
    row = AccountAddress.objects.get()
    assert eve.post(f"/accounts/{account.pk}/addresses/{row.pk}/remove/").status_code == 403
    page = eve.get(f"/accounts/{account.pk}/").content.decode()
    assert "ops@acme.io" in page and "Remove" not in page
    cara = client_for(cara_ce)
    assert (
        cara.post(
            f"/accounts/{account.pk}/addresses/", {"kind": "domain", "value": "acme.io"}
        ).status_code
        == 403
    )
    assert AccountAddress.objects.count() == 1


def test_the_api_lists_adds_and_removes_addresses(as_sam, as_eve):
    account = AccountFactory(name="Acme")
    base = f"/api/v1/accounts/{account.pk}/addresses/"
    created = as_sam.post(base, {"kind": "domain", "value": "Acme.IO"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["value"], body["added_by"]) == ("domain", "acme.io", "sam")
    assert body["removed_at"] is None
    assert as_eve.get(base).json() == [body]
    clash = as_sam.post(base, {"kind": "domain", "value": "acme.io"}, format="json")
    assert clash.status_code == 400 and "already on this account" in clash.json()["value"][0]
    assert as_sam.post(base, {"kind": "x", "value": "acme.io"}, format="json").status_code == 400
    assert as_eve.post(base, {"kind": "domain", "value": "b.io"}, format="json").status_code == 403
    remove = f"{base}{body['id']}/remove/"
    assert as_eve.post(remove).status_code == 403
    removed = as_sam.post(remove)
    assert removed.status_code == 200
    assert removed.json()["removed_by"] == "sam" and removed.json()["removed_at"]
    assert as_sam.get(base).json() == []
    assert as_sam.post(remove).status_code == 404  # no longer in use
    assert AccountAddress.objects.get().removed_at is not None  # kept, stamped
    assert as_sam.get("/api/v1/accounts/999999/addresses/").status_code == 404
