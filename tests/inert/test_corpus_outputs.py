"""Issue 15, point 5 (where text comes out): pages, CSVs, outbound mail and API JSON.

The world here holds every corpus string in every text column, written straight into the rows
as text stored before the input rules (or by another system) may be: the worst the output side
can meet. PostgreSQL keeps no NUL and no more than a column's size, so neither can a row here.
Every page, every CSV, every message and every API answer must stay inert with it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from dashboards import figures
from escalations.models import Escalation
from escalations.notify import escalation_decision_send
from escalations.services import escalation_decide
from presales import notify as presales_notify
from presales import services as presales
from presales.models import ChannelEngagement, KeyDate, PresalesException, PresalesRequest
from queues import services as queues
from queues.models import LoadEpisode, Notice
from tests.conftest import api_client
from tests.factories import AccountFactory, TicketFactory, UserFactory, escalate
from tests.hostile import (
    CORPUS,
    assert_csv_inert,
    assert_html_inert,
    assert_mail_inert,
    storable,
)
from tests.queues.helpers import engineer
from triage import services as triage
from triage.models import Account, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # a Monday, inside the rota's hours


raw = storable


class World:
    """Every corpus string in every text column: tickets, accounts, replies, requests, key dates,
    exceptions, channels, escalations, an engineer's absence."""

    def __init__(self):
        self.sam = engineer("sam", start="00:00", end="23:59", days=range(7))
        self.cara = UserFactory(username="cara", role="ce", email="cara@sales.example")
        self.lee = UserFactory(username="lee", role="leadership", email="lee@leaders.example")
        self.lee.is_staff = True
        self.lee.save()
        self.eve = UserFactory(username="eve", role="engineering", email="eve@eng.example")
        self.contacts = {}
        self.tickets, self.requests, self.escalations, self.exceptions = [], [], [], []
        for i, (label, text) in enumerate(CORPUS.items()):
            self._add(i, label, text)
        queues.absence_add(user=self.sam, by=self.sam, start=NOW + timedelta(days=1),
                           end=NOW + timedelta(days=2), reason="out")  # fmt: skip
        self.sam.absences.update(reason=raw(CORPUS["bidi_override"], 200))

    def _add(self, i, label, text):
        account = AccountFactory(tier="enterprise", name=f"Account {i}")
        ticket = TicketFactory(tier="enterprise", severity="p1", account=account, now=NOW)
        triage.ticket_triage(ticket=ticket, by=self.sam, severity="p1", priority="p1", now=NOW)
        triage.ticket_assign(ticket=ticket, by=self.sam, assignee=self.sam, now=NOW)
        triage.ticket_reply(ticket=ticket, by=self.sam, body=f"reply {i}", public=True,
                            first_response=False, now=NOW)  # fmt: skip
        triage.ticket_pin(ticket=ticket, by=self.sam, reason=f"pin {i}", now=NOW)
        escalation = escalate(ticket, by=self.sam)
        contact = f"ops{i}@customer{i}.example"
        self.contacts[ticket.pk] = contact
        Account.objects.filter(pk=account.pk).update(name=raw(text, 200), contact_email=contact)
        Ticket.objects.filter(pk=ticket.pk).update(
            title=raw(text, 200), description=raw(text), pin_reason=raw(text)
        )
        TicketEvent.objects.filter(ticket=ticket).update(reason=raw(text), body=raw(text))
        Escalation.objects.filter(pk=escalation.pk).update(
            summary=raw(text, 200), reproduction_steps=raw(text), impact=raw(text),
            tried=raw(text), links=[raw(text), "https://logs.example.com/x"],
        )  # fmt: skip
        prospect = AccountFactory(tier="presales", name=f"Prospect {i}")
        request = presales.presales_request_create(
            by=self.cara, account=prospect, summary=f"request {i}", attempted_and_expected="a",
            steps_taken="b", impact="c", sales_context="d", now=NOW,
            key_dates=[(date(2026, 1, 6), "decision")], design_doc_links=["https://d.example/x"],
        )  # fmt: skip
        Account.objects.filter(pk=prospect.pk).update(name=raw(text[:190] + " ·p"))
        PresalesRequest.objects.filter(pk=request.pk).update(
            summary=raw(text, 200), attempted_and_expected=raw(text), steps_taken=raw(text),
            impact=raw(text), sales_context=raw(text), key_dates_text=raw(text),
            design_doc_links=[raw(text), "javascript:alert(1)", "https://d.example/x"],
        )  # fmt: skip
        Ticket.objects.filter(pk=request.pk).update(title=raw(text, 200))
        KeyDate.objects.filter(request=request).update(label=raw(text, 200))
        exception = presales.exception_request(
            by=self.cara, kind="other", account=prospect, reason="r", ends_on=date(2099, 1, 1),
            ticket=request.ticket, now=NOW,
        )  # fmt: skip
        PresalesException.objects.filter(pk=exception.pk).update(reason=raw(text))
        engagement = presales.channel_join(ticket=request.ticket, by=self.sam, channel=f"#c{i}",
                                           now=NOW - timedelta(days=2))  # fmt: skip
        ChannelEngagement.objects.filter(pk=engagement.pk).update(channel=raw(text, 200))
        self.tickets.append(ticket.pk)
        self.requests.append(request.pk)
        self.escalations.append(escalation.pk)
        self.exceptions.append(exception.pk)

    def browser(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield World()


def _pages(w: World):
    yield w.sam, "/"
    yield w.sam, "/?page=2"
    yield w.sam, "/tickets/new/"
    yield w.sam, "/accounts/"
    yield w.sam, "/rota/"
    yield w.sam, "/presales/"
    yield w.sam, "/presales/exceptions/"
    yield w.sam, "/presales/channels/"
    yield w.lee, "/dashboard/"
    yield w.lee, "/notices/"
    yield w.lee, "/presales/exceptions/"
    yield w.eve, "/engineering/"
    yield w.cara, "/presales/"
    for pk in w.tickets:
        yield w.sam, f"/tickets/{pk}/"
        yield w.sam, f"/accounts/{Ticket.objects.get(pk=pk).account_id}/"
        yield w.sam, f"/engineering/tickets/{pk}/escalate/"
    for pk in w.requests:
        yield w.sam, f"/tickets/{pk}/"
        yield w.cara, f"/presales/requests/{pk}/"
    for pk in w.escalations:
        yield w.eve, f"/engineering/escalations/{pk}/"
    for pk in w.exceptions:
        yield w.lee, f"/presales/exceptions/{pk}/"


def test_every_page_shows_hostile_text_as_text(world):
    browsers = {}
    for user, path in _pages(world):
        browser = browsers.setdefault(user.pk, world.browser(user))
        with time_machine.travel(NOW, tick=False):
            answer = browser.get(path)
        assert answer.status_code == 200, (user.username, path, answer.status_code)
        try:
            assert_html_inert(answer.content.decode())
        except AssertionError as error:
            raise AssertionError(f"{path} as {user.username}: {error}") from None


def test_no_csv_holds_a_formula_cell(world):
    browser = world.browser(world.lee)
    for figure in figures.FIGURES:
        with time_machine.travel(NOW, tick=False):
            answer = browser.get(f"/dashboard/{figure}.csv")
        assert answer.status_code == 200, figure
        try:
            assert_csv_inert(answer.content)
        except AssertionError as error:
            raise AssertionError(f"{figure}.csv: {error}") from None


def test_every_message_keeps_its_headers_and_its_recipients(
    world, django_capture_on_commit_callbacks
):
    known = {
        *world.contacts.values(),
        "sam@example.com",
        "cara@sales.example",
        "lee@leaders.example",
    }
    episode = LoadEpisode.objects.create(started_at=NOW, level=5, state="backed_up", peak_level=5)
    queues.notices_decide(episode=episode, now=NOW, arrival_at=NOW + timedelta(hours=3),
                          ticket_ids=world.tickets)  # fmt: skip
    ids = list(Notice.objects.values_list("pk", flat=True))
    delivery = queues.notices_deliver(ids=ids, now=NOW)
    assert (delivery.sent, delivery.failed) == (len(world.tickets), 0)
    notices = list(mail.outbox)
    for pk in world.escalations:
        escalation_decide(escalation=Escalation.objects.get(pk=pk), by=world.eve,
                          decision="ask", question=CORPUS["crlf_bcc"], now=NOW)  # fmt: skip
    for escalation in Escalation.objects.filter(pk__in=world.escalations):
        for row in escalation.decisions.all():
            assert escalation_decision_send(row.pk) is True
    for pk in world.exceptions:
        assert presales_notify.exception_notify_request(exception_id=pk) is True
    assert presales_notify.channel_reminders_send(now=NOW) == len(world.requests)
    with django_capture_on_commit_callbacks(execute=True):
        queues.sla_warnings_send(now=NOW + timedelta(days=3))
    assert len(mail.outbox) > len(notices) + 3 * len(world.tickets)
    for message in mail.outbox:
        raw_bytes = message.message().as_bytes()
        assert set(message.recipients()) <= known, message.recipients()
        try:
            assert_mail_inert(raw_bytes, to=list(message.to))
        except AssertionError as error:
            raise AssertionError(f"{message.subject[:60]!r}: {error}") from None
    for message in notices:  # each customer gets their own notice, nobody else's
        ticket_id = int(message.subject.split("[#", 1)[1].split("]", 1)[0])
        assert message.recipients() == [world.contacts[ticket_id]]


def _items(answer):
    body = answer.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def test_the_api_returns_every_stored_text_exactly(world):
    support, ce, lee = api_client(world.sam), api_client(world.cara), api_client(world.lee)
    tickets = {t["id"]: t for t in _items(support.get("/api/v1/tickets/?limit=200"))}
    for ticket in Ticket.objects.all():
        got = tickets[ticket.pk]
        assert (got["title"], got["description"], got["pin_reason"]) == (
            ticket.title, ticket.description, ticket.pin_reason,
        )  # fmt: skip
    for entry in _items(support.get("/api/v1/queue/?limit=200")):
        assert entry["ticket"]["title"] == Ticket.objects.get(pk=entry["ticket"]["id"]).title
    accounts = {a["id"]: a["name"] for a in _items(support.get("/api/v1/accounts/?limit=200"))}
    assert accounts == dict(Account.objects.values_list("pk", "name"))
    for pk in world.tickets:
        events = support.get(f"/api/v1/tickets/{pk}/events/").json()
        stored = list(TicketEvent.objects.filter(ticket_id=pk).order_by("at", "id"))
        assert [(e["reason"], e["body"]) for e in events] == [(s.reason, s.body) for s in stored]
    for item in _items(ce.get("/api/v1/presales/requests/?limit=200")):
        stored = PresalesRequest.objects.get(pk=item["id"])
        p = item["presales"]
        assert (p["summary"], p["impact"], p["key_dates_text"], p["design_doc_links"]) == (
            stored.summary, stored.impact, stored.key_dates_text, stored.design_doc_links,
        )  # fmt: skip
        assert [k["label"] for k in p["key_dates"]] == [k.label for k in stored.key_dates.all()]
    for item in _items(support.get("/api/v1/escalations/?limit=200")):
        stored = Escalation.objects.get(pk=item["id"])
        assert (item["summary"], item["tried"], item["links"]) == (
            stored.summary, stored.tried, stored.links,
        )  # fmt: skip
        assert item["ticket"]["account"] == stored.ticket.account.name
    for item in _items(lee.get("/api/v1/presales/exceptions/?limit=200")):
        assert item["reason"] == PresalesException.objects.get(pk=item["id"]).reason
    for item in _items(support.get("/api/v1/presales/channels/?limit=200")):
        assert item["channel"] == ChannelEngagement.objects.get(pk=item["id"]).channel
    with time_machine.travel(NOW, tick=False):
        dashboard = lee.get("/api/v1/dashboard/").json()
    for row in dashboard["presales"]["rows"]:
        assert row["title"] == Ticket.objects.get(pk=row["id"]).title
