"""Issue 12 point 4: a CE sees every pre-sales request filed for her, whoever filed it, and each
request page says where it stands (priority, place, a live countdown, status, latest reply)."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from tests.conftest import api_client
from tests.factories import AccountFactory, TicketFactory
from tests.presales.conftest import file_request
from triage.models import EventKind, Ticket
from triage.services import event_record, ticket_triage

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _new_ticket_form(account, **overrides):
    return {
        "title": "Trial SSO fails for the prospect",
        "description": "Their IdP rejects our assertion.",
        "source": "presales",
        "account": account.pk,
        "severity": "p1",
        **overrides,
    }


def test_support_files_a_presales_ticket_for_cara_and_she_sees_it(sam_support, cara_ce, carl_ce):
    prospect = AccountFactory(tier="presales", name="Initech Trial")
    answer = browser(sam_support).post(
        "/tickets/new/", _new_ticket_form(prospect, requester=cara_ce.pk)
    )
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    ticket = Ticket.objects.get(title="Trial SSO fails for the prospect")
    assert ticket.requester == cara_ce and ticket.created_by == sam_support

    mine = browser(cara_ce).get("/presales/").content.decode()
    assert f"#{ticket.pk} " in mine and "Trial SSO fails for the prospect" in mine
    page = browser(cara_ce).get(f"/presales/requests/{ticket.pk}/")
    assert page.status_code == 200
    assert "Their IdP rejects our assertion." in page.content.decode()
    # Her API list of tickets follows the requester too; another CE sees none of it.
    assert [t["id"] for t in api_client(cara_ce).get("/api/v1/tickets/").json()["results"]] == [
        ticket.pk
    ]
    assert "Trial SSO" not in browser(carl_ce).get("/presales/").content.decode()
    assert browser(carl_ce).get(f"/presales/requests/{ticket.pk}/").status_code == 404
    # The ticket page sends her to her request page.
    assert browser(cara_ce).get(f"/tickets/{ticket.pk}/").url == f"/presales/requests/{ticket.pk}/"


def test_a_presales_ticket_from_the_form_needs_its_ce(sam_support, cara_ce):
    prospect = AccountFactory(tier="presales")
    answer = browser(sam_support).post("/tickets/new/", _new_ticket_form(prospect))
    assert answer.status_code == 400
    assert "requester" in answer.context["form"].errors
    assert not Ticket.objects.exists()


def test_the_api_files_a_presales_ticket_for_a_ce(as_sam, cara_ce, sam_support):
    prospect = AccountFactory(tier="presales")
    body = {"title": "Trial blocked", "source": "presales", "account": prospect.pk}
    answer = as_sam.post("/api/v1/tickets/", {**body, "requester": "cara"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert Ticket.objects.get(pk=answer.json()["id"]).requester == cara_ce
    listed = api_client(cara_ce).get("/api/v1/tickets/").json()["results"]
    assert [t["id"] for t in listed] == [answer.json()["id"]]

    not_a_ce = as_sam.post("/api/v1/tickets/", {**body, "requester": "sam"}, format="json")
    assert not_a_ce.status_code == 400 and "requester" in not_a_ce.json()
    customer = AccountFactory(tier="team")
    wrong = {"title": "x", "source": "customer", "account": customer.pk, "requester": "cara"}
    answer = as_sam.post("/api/v1/tickets/", wrong, format="json")
    assert answer.status_code == 400 and "requester" in answer.json()
    assert Ticket.objects.count() == 1


def test_the_ces_own_form_and_api_set_her_as_requester(cara_ce, prospect):
    assert file_request(cara_ce, account=prospect).ticket.requester == cara_ce


def test_backfill_gives_old_presales_tickets_their_ce(cara_ce, carl_ce, sam_support, prospect):
    via_request = file_request(cara_ce, account=prospect).ticket
    by_carl = TicketFactory(tier="presales", by=carl_ce)
    by_support = TicketFactory(tier="presales", by=sam_support)
    customer = TicketFactory(tier="team", by=sam_support)
    Ticket.objects.update(requester=None)  # as rows were before the column existed

    migration = importlib.import_module("presales.migrations.0002_backfill_ticket_requester")
    migration.backfill(apps, None)

    got = dict(Ticket.objects.values_list("pk", "requester"))
    assert got == {
        via_request.pk: cara_ce.pk,
        by_carl.pk: carl_ce.pk,
        by_support.pk: None,
        customer.pk: None,
    }


def test_request_page_says_priority_place_countdown_status_and_latest_reply(
    cara_ce, sam_support, prospect
):
    now = timezone.now()
    first = file_request(cara_ce, account=prospect, summary="Earlier one", now=now)
    r = file_request(cara_ce, account=prospect, summary="Blocked", now=now)
    ticket_triage(ticket=r.ticket, by=sam_support, severity="p0", priority="p0", reason="", now=now)
    for body, minutes in (("We are on it.", 1), ("Fix found: restart the pods.", 2)):
        event_record(
            ticket=r.ticket,
            kind=EventKind.REPLY,
            by=sam_support,
            now=now + timedelta(minutes=minutes),
            body=body,
        )
    event_record(
        ticket=r.ticket, kind=EventKind.NOTE, by=sam_support, now=now, body="internal guess"
    )
    html = browser(cara_ce).get(r.get_absolute_url()).content.decode()
    where = html[html.index('id="where-heading"') : html.index("The request</h2>")]
    text = re.sub(r"<[^>]+>", " ", where)
    text = re.sub(r"\s+", " ", text)
    assert "Status Triaged" in text
    assert "Priority P0" in text
    assert "number 1 of the open queue" in text  # p0 ranks above the earlier p-less request
    assert re.search(r"first response due in \d+ (h|min)", text), text
    assert 'data-due="' in where  # the countdown ticks in the page (static/js/app.js)
    latest = text[text.index("Latest reply") :]
    assert "Fix found: restart the pods." in latest and "We are on it." not in latest
    assert "internal guess" not in html
    assert first.pk != r.pk
