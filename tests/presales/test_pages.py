"""The CE's request form and "My requests", the ticket panel and the queue's key-date flags."""

from datetime import timedelta
from html import escape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from presales import requirements, selectors
from presales.models import PresalesRequest
from tests.factories import AccountFactory, TicketFactory
from tests.presales.conftest import file_request
from triage.models import Account, EventKind, Ticket
from triage.selectors import open_queue
from triage.services import event_record

pytestmark = pytest.mark.django_db

NEW = "/presales/new/"


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(prospect_account, **overrides):
    data = {
        "account": prospect_account.pk if prospect_account else "",
        "new_account_name": "",
        "new_account_deployment": "cloud",
        "summary": "Backups fail on the trial instance",
        "attempted_and_expected": "Ran the backup task; expected an archive in S3.",
        "steps_taken": "Checked the bucket policy.",
        "impact_scope": "select_users",
        "impact": "Only the ops team, who evaluate backup and restore.",
        "design_doc_links": "https://docs.example.com/tdd/backups",
        "sales_context": "Trial, week 3.",
        "key_dates-TOTAL_FORMS": "4",
        "key_dates-INITIAL_FORMS": "0",
        "key_dates-MIN_NUM_FORMS": "0",
        "key_dates-MAX_NUM_FORMS": "20",
        "key_dates-0-date": "2099-02-01",
        "key_dates-0-label": "decision",
    }
    data.update(overrides)
    return data


# One definition of what a request needs (presales.requirements), for the form and the API.
REQUIRED_FIELDS = ["account", *requirements.REQUIRED]


def test_request_form_explains_every_required_field(cara_ce):
    page = browser(cara_ce).get(NEW).content.decode()
    for text in [
        "Issue summary",
        "What the prospect attempted and the expected result",
        "Steps already taken",
        "Impact",
        "Technical design documents",
        "Where in the sales cycle",
        "Key dates",
        "Prospect not listed?",
    ]:
        assert text in page, text
    assert page.count('class="helptext"') >= 7


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_request_form_missing_a_required_field_shows_an_inline_error(cara_ce, prospect, field):
    answer = browser(cara_ce).post(NEW, form_data(prospect, **{field: ""}))
    assert answer.status_code == 400
    assert field in answer.context["form"].errors
    assert "Nothing was saved" in answer.content.decode()
    assert not Ticket.objects.exists() and not PresalesRequest.objects.exists()


def test_request_form_refuses_a_bad_link_and_a_half_key_date(cara_ce, prospect):
    answer = browser(cara_ce).post(
        NEW,
        form_data(
            prospect,
            design_doc_links="https://ok.example.com\nnot-a-url",
            **{"key_dates-1-label": "go-live"},
        ),
    )
    assert answer.status_code == 400
    assert "not-a-url" in str(answer.context["form"].errors["design_doc_links"])
    assert answer.context["dates"].forms[1].errors["date"]
    assert not Ticket.objects.exists()


def test_request_form_files_a_presales_ticket_into_the_queue(cara_ce, prospect):
    answer = browser(cara_ce).post(NEW, form_data(prospect))
    r = PresalesRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"] == r.get_absolute_url()
    assert r.ticket.source == "presales" and r.ticket in open_queue()
    assert r.design_doc_links == ["https://docs.example.com/tdd/backups"]
    assert [kd.label for kd in r.key_dates.all()] == ["decision"]


def test_request_form_creates_a_prospect_account_inline(cara_ce):
    data = form_data(None, new_account_name="Globex Trial", new_account_deployment="self_hosted")
    assert browser(cara_ce).post(NEW, data).status_code == 302
    account = Account.objects.get(name="Globex Trial")
    assert account.tier == "presales" and account.deployment == "self_hosted"
    assert PresalesRequest.objects.get().account == account


def test_request_form_inline_account_name_clash_is_an_inline_error(cara_ce, prospect):
    answer = browser(cara_ce).post(NEW, form_data(None, new_account_name=prospect.name))
    assert answer.status_code == 400
    assert "already exists" in str(answer.context["form"].errors["new_account_name"])
    assert not answer.context["form"].non_field_errors()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("who", ["sam_support", "lee_leadership", "eve_engineering"])
def test_only_ces_use_the_request_form(request, who):
    assert browser(request.getfixturevalue(who)).get(NEW).status_code == 403


def test_my_requests_shows_status_position_due_engineer_key_date_and_replies(
    cara_ce, sam_support, prospect
):
    soon = timezone.localdate() + timedelta(days=1)
    r = file_request(cara_ce, account=prospect, key_dates=[(soon, "decision")])
    event_record(
        ticket=r.ticket,
        kind=EventKind.REPLY,
        by=sam_support,
        now=timezone.now(),
        body="We reproduced it.",
    )
    event_record(
        ticket=r.ticket,
        kind=EventKind.NOTE,
        by=sam_support,
        now=timezone.now(),
        body="secret internal note",
    )
    page = browser(cara_ce).get("/presales/").content.decode()
    assert escape(r.summary) in page and "New" in page and "first response due" in page
    assert "decision" in page and "tomorrow" in page
    detail = browser(cara_ce).get(r.get_absolute_url()).content.decode()
    assert "We reproduced it." in detail and "secret internal note" not in detail
    assert "number 1 of the open queue" in detail


def test_ce_never_sees_another_ces_request_pages(cara_ce, carl_ce, prospect):
    carls = file_request(carl_ce, account=prospect, summary="Carl's secret deal")
    cara = browser(cara_ce)
    assert "Carl's secret deal" not in cara.get("/presales/").content.decode()
    assert cara.get(carls.get_absolute_url()).status_code == 404
    assert cara.get(f"/tickets/{carls.pk}/").status_code == 404


def test_engineering_has_no_presales_pages(eve_engineering):
    assert browser(eve_engineering).get("/presales/").status_code == 403


def test_queue_flags_a_request_whose_key_date_is_within_two_days(sam_support, cara_ce, prospect):
    today = timezone.localdate()
    close = file_request(
        cara_ce,
        account=prospect,
        summary="Close one",
        key_dates=[(today + timedelta(days=2), "decision")],
    )
    far = file_request(
        cara_ce,
        account=prospect,
        summary="Far one",
        key_dates=[(today + timedelta(days=3), "decision")],
    )
    TicketFactory(tier="enterprise")
    tickets = list(open_queue())
    with CaptureQueriesContext(connection) as queries:
        flags = selectors.key_date_flags(tickets)
    assert len(queries) == 1
    assert set(flags) == {close.pk}
    page = browser(sam_support).get("/").content.decode()
    assert "key dates within 2 days" in page
    assert f'data-ticket="{close.pk}"' in page and f'data-ticket="{far.pk}"' not in page


def test_ticket_panel_shows_the_request_the_severity_criteria_and_nearest_key_date(
    sam_support, cara_ce, prospect
):
    r = file_request(
        cara_ce, account=prospect, key_dates=[(timezone.localdate() + timedelta(days=9), "go-live")]
    )
    page = browser(sam_support).get(f"/tickets/{r.pk}/").content.decode()
    assert "Pre-sales request" in page and "go-live" in page and "in 9 days" in page
    assert "Failed deployment or total loss of service" in page
    assert "Core features are unavailable or the service as a whole is slow" in page
    assert "Non-blocking technical asks or problems" in page
    assert "Record joining" in page


def test_ticket_panel_is_absent_on_customer_tickets(sam_support):
    ticket = TicketFactory(tier="team")
    assert (
        "Pre-sales request"
        not in browser(sam_support).get(f"/tickets/{ticket.pk}/").content.decode()
    )


def test_my_requests_query_count_does_not_grow_with_rows(cara_ce, sam_support):
    prospect = AccountFactory(tier="presales")

    def render_count():
        with CaptureQueriesContext(connection) as q:
            assert browser(cara_ce).get("/presales/").status_code == 200
        return len(q)

    r = file_request(cara_ce, account=prospect, key_dates=[(timezone.localdate(), "d")])
    event_record(
        ticket=r.ticket, kind=EventKind.REPLY, by=sam_support, now=timezone.now(), body="x"
    )
    few = render_count()
    for _ in range(4):
        r = file_request(cara_ce, account=prospect, key_dates=[(timezone.localdate(), "d")])
        event_record(
            ticket=r.ticket, kind=EventKind.REPLY, by=sam_support, now=timezone.now(), body="y"
        )
    assert render_count() == few
