"""POST/GET /api/v1/presales/requests/ (PRODUCT.md) and who may see which request."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from presales.models import KeyDate, PresalesRequest
from tests.conftest import api_client
from tests.factories import AccountFactory, TicketFactory
from tests.presales.conftest import file_request
from triage.models import EventKind, Ticket
from triage.services import event_record

pytestmark = pytest.mark.django_db

URL = "/api/v1/presales/requests/"
REQUIRED = [
    "account",
    "summary",
    "attempted_and_expected",
    "steps_taken",
    "impact",
    "design_doc_links",
    "sales_context",
]


def body(account, **overrides):
    data = {
        "account": account.pk,
        "summary": "SSO login loops for the prospect",
        "attempted_and_expected": "Configured SAML with Okta; expected to land on the dashboard.",
        "steps_taken": "Checked clock skew and the ACS URL.",
        "impact": "Select users: the five admins on the trial.",
        "design_doc_links": ["https://docs.example.com/tdd/sso"],
        "sales_context": "Proof of concept, ends in two weeks.",
        "key_dates": "2026-12-15 decision\nboard meeting early January",
    }
    data.update(overrides)
    return data


def test_ce_files_a_request_and_gets_the_ticket_representation(as_cara, cara_ce, prospect):
    answer = as_cara.post(URL, body(prospect), format="json")
    assert answer.status_code == 201, answer.json()
    ticket = answer.json()
    assert set(ticket) >= {
        "id",
        "title",
        "source",
        "account",
        "tier",
        "priority",
        "position",
        "why",
        "due_at",
        "status",
        "assignee",
    }
    assert ticket["source"] == "presales" and ticket["tier"] == "presales"
    assert ticket["title"] == "SSO login loops for the prospect"
    assert ticket["position"] == 1
    request = PresalesRequest.objects.get(pk=ticket["id"])
    assert request.requested_by == cara_ce and request.ticket.created_by == cara_ce
    assert [(k.date, k.label) for k in request.key_dates.all()] == [
        (date(2026, 12, 15), "decision")
    ]
    assert request.key_dates_text == "board meeting early January"
    assert as_cara.get(f"/api/v1/tickets/{ticket['id']}/").json() == ticket


@pytest.mark.parametrize("field", REQUIRED)
def test_request_missing_a_required_field_is_400_and_saves_nothing(as_cara, prospect, field):
    data = body(prospect)
    del data[field]
    answer = as_cara.post(URL, data, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not Ticket.objects.exists() and not PresalesRequest.objects.exists()


@pytest.mark.parametrize(
    "field", ["summary", "attempted_and_expected", "steps_taken", "impact", "sales_context"]
)
def test_request_with_a_blank_required_text_is_400(as_cara, prospect, field):
    answer = as_cara.post(URL, body(prospect, **{field: "  "}), format="json")
    assert answer.status_code == 400 and field in answer.json()
    assert not Ticket.objects.exists()


def test_design_doc_links_must_each_be_a_url_and_may_be_empty(as_cara, prospect):
    bad = as_cara.post(URL, body(prospect, design_doc_links=["not a url"]), format="json")
    assert bad.status_code == 400 and "design_doc_links" in bad.json()
    ok = as_cara.post(URL, body(prospect, design_doc_links=[]), format="json")
    assert ok.status_code == 201
    assert PresalesRequest.objects.get().design_doc_links == []


def test_request_needs_a_prospect_account(as_cara):
    customer = AccountFactory(tier="enterprise")
    answer = as_cara.post(URL, body(customer), format="json")
    assert answer.status_code == 400 and "account" in answer.json()
    assert not Ticket.objects.exists()


def test_key_dates_text_without_dates_is_kept(as_cara, prospect):
    answer = as_cara.post(URL, body(prospect, key_dates="before the holidays"), format="json")
    assert answer.status_code == 201
    request = PresalesRequest.objects.get()
    assert request.key_dates_text == "before the holidays" and not request.key_dates.exists()


@pytest.mark.parametrize(
    ("who", "post", "get"),
    [
        ("anon", 401, 401),
        ("support", 403, 200),
        ("ce", 201, 200),
        ("leadership", 403, 200),
        ("engineering", 403, 403),
    ],
)
def test_presales_requests_endpoint_roles(request, prospect, who, post, get):
    fixtures = {
        "anon": "anon",
        "support": "as_sam",
        "ce": "as_cara",
        "leadership": "as_lee",
        "engineering": "as_eve",
    }
    client = request.getfixturevalue(fixtures[who])
    assert client.post(URL, body(prospect), format="json").status_code == post
    assert client.get(URL).status_code == get


def test_ce_cannot_read_or_list_another_ces_request(cara_ce, carl_ce, prospect):
    carls = file_request(carl_ce, account=prospect)
    caras = file_request(cara_ce, account=prospect, summary="Cara's own")
    as_cara = api_client(cara_ce)
    listed = [row["id"] for row in as_cara.get(URL).json()["results"]]
    assert listed == [caras.pk]
    assert as_cara.get(f"{URL}{carls.pk}/").status_code == 404
    assert as_cara.get(f"/api/v1/tickets/{carls.pk}/").status_code == 404
    assert as_cara.get(f"/api/v1/tickets/{carls.pk}/events/").status_code == 404
    assert as_cara.get(f"{URL}{caras.pk}/").status_code == 200


def test_support_and_leadership_list_every_request(as_sam, as_lee, cara_ce, carl_ce, prospect):
    file_request(cara_ce, account=prospect)
    file_request(carl_ce, account=prospect)
    for client in (as_sam, as_lee):
        assert len(client.get(URL).json()["results"]) == 2


def test_request_list_shows_status_position_engineer_nearest_date_and_replies(
    as_cara, cara_ce, sam_support, prospect
):
    r = file_request(cara_ce, account=prospect, key_dates=[(date(2099, 3, 1), "decision")])
    event_record(
        ticket=r.ticket,
        kind=EventKind.REPLY,
        by=sam_support,
        now=r.created_at,
        body="Please send the pod logs.",
    )
    event_record(
        ticket=r.ticket,
        kind=EventKind.NOTE,
        by=sam_support,
        now=r.created_at,
        body="internal: looks like a CNI issue",
    )
    row = as_cara.get(URL).json()["results"][0]
    assert row["status"] == "new" and row["position"] == 1 and row["due_at"]
    assert row["presales"]["nearest_key_date"] == {"date": "2099-03-01", "label": "decision"}
    assert [x["body"] for x in row["presales"]["replies"]] == ["Please send the pod logs."]


def test_request_list_query_count_does_not_grow_with_rows(as_sam, cara_ce, prospect):
    for _ in range(2):
        file_request(cara_ce, account=prospect, key_dates=[(date(2099, 3, 1), "d")])
    TicketFactory(tier="free")
    with CaptureQueriesContext(connection) as few:
        as_sam.get(URL)
    for _ in range(4):
        file_request(cara_ce, account=prospect, key_dates=[(date(2099, 3, 1), "d")])
    with CaptureQueriesContext(connection) as many:
        assert len(as_sam.get(URL).json()["results"]) == 6
    assert len(many) == len(few)


def test_presales_endpoints_are_in_the_openapi_schema(anon):
    paths = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/json").data["paths"]
    wanted = [
        "requests/",
        "requests/{id}/",
        "exceptions/",
        "exceptions/{id}/decide/",
        "channels/",
        "channels/{id}/leave/",
    ]
    for path in [f"/api/v1/presales/{p}" for p in wanted]:
        assert path in paths, path
    assert "post" in paths["/api/v1/presales/requests/"]


def test_key_date_rows_are_stored_with_the_request(as_cara, prospect):
    as_cara.post(
        URL, body(prospect, key_dates="2026-12-20 go-live\n2026-12-18 decision"), format="json"
    )
    assert list(KeyDate.objects.values_list("label", flat=True)) == ["decision", "go-live"]
