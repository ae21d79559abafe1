"""Bad input gets a 400 naming the field, and nothing is half-saved."""

import pytest

from tests.factories import AccountFactory, TicketFactory
from triage.models import Account, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

GOOD_TICKET = {"title": "Webhooks fail", "source": "customer", "severity": "p1"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": 42}, "title"),
        ({"title": ["a"]}, "title"),
        ({"description": "x" * 20001}, "description"),
        ({"source": "email"}, "source"),
        ({"source": "Customer"}, "source"),
        ({"severity": "p4"}, "severity"),
        ({"severity": "high"}, "severity"),
        ({"account": 999999}, "account"),
        ({"account": "abc"}, "account"),
        ({"account": None}, "account"),  # a customer ticket needs an account
        ({"source": "internal"}, "account"),  # internal work has no account
        ({"priority": "p0"}, "priority"),  # not accepted at creation: set at triage
        ({"title": "null\x00byte"}, "title"),
    ],
)
def test_bad_ticket_fields_are_refused_by_name(as_sam, change, field):
    account = AccountFactory(tier="team")
    body = {**GOOD_TICKET, "account": account.pk, **change}
    answer = as_sam.post("/api/v1/tickets/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json(), answer.json()
    assert Ticket.objects.count() == 0 and TicketEvent.objects.count() == 0


def test_missing_required_ticket_fields_are_each_named(as_sam):
    answer = as_sam.post("/api/v1/tickets/", {}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"title", "source"}


def test_non_object_body_is_refused(as_sam):
    answer = as_sam.post("/api/v1/tickets/", ["title"], format="json")
    assert answer.status_code == 400
    answer = as_sam.post("/api/v1/tickets/", "{not json", content_type="application/json")
    assert answer.status_code == 400


def test_presales_ticket_needs_a_prospect_account(as_sam):
    account = AccountFactory(tier="enterprise")
    body = {"title": "t", "source": "presales", "account": account.pk}
    answer = as_sam.post("/api/v1/tickets/", body, format="json")
    assert answer.status_code == 400 and "account" in answer.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "tier": "team", "deployment": "cloud"}, "name"),
        ({"name": "x" * 201, "tier": "team", "deployment": "cloud"}, "name"),
        ({"name": "A", "tier": "internal", "deployment": "cloud"}, "tier"),
        ({"name": "A", "tier": "gold", "deployment": "cloud"}, "tier"),
        ({"name": "A", "tier": "team", "deployment": "on_prem"}, "deployment"),
        ({"name": "A", "tier": "team", "deployment": "cloud", "timezone": "Mars/Base"}, "timezone"),
        ({"name": "A", "tier": "team", "deployment": "cloud", "premium": "sure"}, "premium"),
        ({"name": "A", "tier": "team"}, "deployment"),
        ({"name": "A", "tier": "team", "deployment": "cloud", "colour": "red"}, "colour"),
    ],
)
def test_bad_account_fields_are_refused_by_name(as_sam, body, field):
    answer = as_sam.post("/api/v1/accounts/", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json(), answer.json()
    assert Account.objects.count() == 0


def test_duplicate_account_name_is_refused(as_sam):
    AccountFactory(name="Globex")
    body = {"name": "globex", "tier": "team", "deployment": "cloud"}
    answer = as_sam.post("/api/v1/accounts/", body, format="json")
    assert answer.status_code == 400 and "name" in answer.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"severity": "p1"}, "priority"),
        ({"priority": "p1"}, "severity"),
        ({"severity": "p9", "priority": "p1"}, "severity"),
        ({"severity": "p1", "priority": 1}, "priority"),
        ({"severity": "p1", "priority": "p1", "reason": "x" * 2001}, "reason"),
        ({"severity": "p1", "priority": "p1", "status": "resolved"}, "status"),
    ],
)
def test_bad_triage_is_refused_and_ticket_unchanged(as_sam, body, field):
    ticket = TicketFactory(tier="team")
    answer = as_sam.post(f"/api/v1/tickets/{ticket.pk}/triage/", body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.json()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.severity) == ("new", "")
    assert ticket.events.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "done"}, "status"),
        ({"assignee": "nobody"}, "assignee"),
        ({"assignee": 5}, "assignee"),
        ({"assignee": "sa\x00m"}, "assignee"),  # PostgreSQL cannot compare text with NUL: was a 500
        ({"assignee": "s" * 151}, "assignee"),
        ({}, "non_field_errors"),
        ({"title": "renamed"}, "title"),
    ],
)
def test_bad_patch_is_refused(as_sam, body, field):
    ticket = TicketFactory()
    answer = as_sam.patch(f"/api/v1/tickets/{ticket.pk}/", body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert ticket.events.count() == 1


def test_patch_with_bad_status_saves_no_assignment_either(as_sam):
    ticket = TicketFactory()
    answer = as_sam.patch(
        f"/api/v1/tickets/{ticket.pk}/", {"assignee": "sam", "status": "triaged"}, format="json"
    )
    assert answer.status_code in (400, 409)
    ticket.refresh_from_db()
    assert ticket.assignee is None and ticket.events.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/999999/",
        "/api/v1/tickets/999999/events/",
        "/api/v1/accounts/999999/",
    ],
)
def test_unknown_ids_are_404(as_sam, path):
    assert as_sam.get(path).status_code == 404


def test_unknown_ticket_for_triage_is_404(as_sam):
    answer = as_sam.post(
        "/api/v1/tickets/999999/triage/", {"severity": "p1", "priority": "p1"}, format="json"
    )
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=abc", "limit"), ("limit=201", "limit"),
     ("offset=-1", "offset"), ("assigned=maybe", "assigned")],
)  # fmt: skip
def test_bad_queue_parameters_are_refused(as_sam, query, field):
    answer = as_sam.get(f"/api/v1/queue/?{query}")
    assert answer.status_code == 400 and field in answer.json()


def test_bad_list_parameters_are_refused(as_sam):
    assert as_sam.get("/api/v1/tickets/?limit=x").status_code == 400
    assert as_sam.get("/api/v1/tickets/?status=sideways").status_code == 400
