"""Roles around pre-sales: CEs file and follow, never triage; leadership edits in the admin."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from shared.roles import ensure_groups
from tests.conftest import api_client
from tests.presales.conftest import file_request

pytestmark = pytest.mark.django_db


def test_ce_cannot_triage_claim_or_pin_even_its_own_request(cara_ce, prospect):
    r = file_request(cara_ce, account=prospect)
    as_cara = api_client(cara_ce)
    base = f"/api/v1/tickets/{r.pk}/"
    assert (
        as_cara.post(
            base + "triage/", {"severity": "p0", "priority": "p0"}, format="json"
        ).status_code
        == 403
    )
    assert as_cara.post(base + "pin/", {"reason": "urgent"}, format="json").status_code == 403
    assert as_cara.patch(base, {"status": "resolved"}, format="json").status_code == 403
    assert as_cara.post("/api/v1/queue/claim/").status_code == 403
    assert as_cara.get(base).status_code == 200


def test_leadership_may_edit_presales_rows_in_the_admin_but_not_delete_them(lee_leadership):
    ensure_groups()
    codenames = set(
        Group.objects.get(name="leadership").permissions.values_list("codename", flat=True)
    )
    for model in ["presalesrequest", "keydate", "presalesexception", "channelengagement"]:
        assert f"change_{model}" in codenames and f"delete_{model}" not in codenames
    lee_leadership.is_staff = True
    lee_leadership.save()
    admin = Client()
    admin.force_login(lee_leadership)
    assert admin.get("/admin/presales/presalesexception/").status_code == 200


def test_ce_navigation_leads_to_my_requests(cara_ce):
    ce = Client()
    ce.force_login(cara_ce)
    page = ce.get("/presales/").content.decode()
    assert "My requests" in page and "New request" in page and "Trial channels" not in page


def test_seed_presales_demo_files_requests_once(cara_ce, sam_support):
    from presales.models import ChannelEngagement, PresalesException, PresalesRequest

    call_command("seed_presales_demo", stdout=io.StringIO())
    call_command("seed_presales_demo", stdout=io.StringIO())
    assert PresalesRequest.objects.count() == 3
    assert PresalesException.objects.count() == 1 and ChannelEngagement.objects.count() == 1
