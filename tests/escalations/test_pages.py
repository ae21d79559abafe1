"""HTML pages for escalations: the ticket panel, the form's inline errors, the inbox, decisions."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from escalations import services as services
from escalations.models import Escalation
from tests.escalations.test_services import context, escalate, triaged
from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides):
    data = context(**overrides)
    data["links"] = "\n".join(data["links"]) if isinstance(data["links"], list) else data["links"]
    data.setdefault("urgency", "normal")
    return data


def test_ticket_page_offers_support_the_escalation_form(sam_support):
    ticket = triaged(sam_support)
    page = browser(sam_support).get(ticket.get_absolute_url())
    html = page.content.decode()
    assert "Engineering escalation" in html and 'id="esc-summary"' in html
    assert 'for="esc-summary"' in html  # every input has its label


def test_untriaged_ticket_page_says_to_triage_first(sam_support):
    ticket = TicketFactory(tier="enterprise")
    html = browser(sam_support).get(ticket.get_absolute_url()).content.decode()
    assert "before escalating" in html and 'id="esc-summary"' not in html


def test_escalating_from_the_page_redirects_to_the_ticket(sam_support):
    ticket = triaged(sam_support)
    client = browser(sam_support)
    answer = client.post(f"/engineering/tickets/{ticket.pk}/escalate/", form_data())
    assert answer.status_code == 302 and answer["Location"] == ticket.get_absolute_url()
    escalation = Escalation.objects.get()
    assert escalation.links == context()["links"]
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert "Waiting in engineering&#x27;s inbox" in html or "Waiting in engineering's inbox" in html


def test_escalation_form_shows_errors_inline_and_saves_nothing(sam_support):
    ticket = triaged(sam_support, severity="p2")
    answer = browser(sam_support).post(
        f"/engineering/tickets/{ticket.pk}/escalate/",
        form_data(impact="", links="ftp://nope", urgency="drop_everything"),
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "This field is required" in html  # impact
    assert not Escalation.objects.exists()
    # With the required fields in, the policy's own messages appear next to the fields.
    answer = browser(sam_support).post(
        f"/engineering/tickets/{ticket.pk}/escalate/",
        form_data(urgency="drop_everything", cannot_wait_a_day="on", justification="Audit"),
    )
    assert answer.status_code == 400 and "only for p0 and p1" in answer.content.decode()
    assert not Escalation.objects.exists()


def test_escalating_an_untriaged_ticket_from_the_page_explains_the_conflict(sam_support):
    ticket = TicketFactory(tier="enterprise")
    answer = browser(sam_support).post(f"/engineering/tickets/{ticket.pk}/escalate/", form_data())
    assert answer.status_code == 409 and "Triage it first" in answer.content.decode()


@pytest.mark.parametrize("role", ["ce", "leadership", "engineering"])
def test_only_support_opens_the_escalation_form(role, sam_support):
    ticket = triaged(sam_support)
    client = browser(UserFactory(role=role))
    assert client.get(f"/engineering/tickets/{ticket.pk}/escalate/").status_code in (403, 404)
    assert client.post(f"/engineering/tickets/{ticket.pk}/escalate/", form_data()).status_code in (
        403,
        404,
    )
    assert not Escalation.objects.exists()


@pytest.mark.parametrize(
    ("role", "code"), [("support", 403), ("ce", 403), ("leadership", 200), ("engineering", 200)]
)
def test_inbox_page_is_for_engineering_and_leadership(role, code):
    assert browser(UserFactory(role=role)).get("/engineering/").status_code == code


def test_inbox_page_requires_sign_in():
    answer = Client().get("/engineering/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]


def test_inbox_page_lists_drop_everything_first_with_full_context(sam_support, eve_engineering):
    normal = escalate(sam_support, triaged(sam_support, severity="p0"))
    urgent = escalate(
        sam_support, triaged(sam_support, severity="p1", tier="free"),
        urgency="drop_everything", cannot_wait_a_day=True, justification="Launch tomorrow",
    )  # fmt: skip
    html = browser(eve_engineering).get("/engineering/").content.decode()
    assert html.index(f'data-escalation="{urgent.pk}"') < html.index(
        f'data-escalation="{normal.pk}"'
    )
    for text in (
        "Steps to reproduce",
        "Impact",
        "Customer deadline",
        "What support tried",
        "https://logs.example.com/trace/abc",
        "Launch tomorrow",
        "Engineering inbox",
    ):
        assert text in html
    assert "Target date" in html and "Ask for context" in html and "Decline" in html


def test_engineering_decides_from_the_inbox_with_plain_posts(sam_support, eve_engineering):
    escalation = escalate(sam_support, triaged(sam_support))
    client = browser(eve_engineering)
    url = f"/engineering/escalations/{escalation.pk}/decide/"
    missing = client.post(url, {"decision": "accept"})
    assert missing.status_code == 400 and "target date" in missing.content.decode()
    answer = client.post(url, {"decision": "accept", "target_date": "2099-02-01"})
    assert answer.status_code == 302 and answer["Location"] == "/engineering/"
    again = client.post(url, {"decision": "decline", "reason": "no"})
    assert again.status_code == 409
    escalation.refresh_from_db()
    assert escalation.state == "accepted"


def test_support_answers_a_question_from_the_ticket_page(sam_support, eve_engineering):
    escalation = escalate(sam_support, triaged(sam_support))
    services.escalation_decide(
        escalation=escalation, by=eve_engineering, decision="ask", question="Which region?"
    )
    client = browser(sam_support)
    html = client.get(escalation.ticket.get_absolute_url()).content.decode()
    assert "Which region?" in html and "Send answer to engineering" in html
    url = f"/engineering/escalations/{escalation.pk}/answer/"
    assert client.post(url, {"answer": ""}).status_code == 400
    answer = client.post(url, {"answer": "eu-west-1"})
    assert answer.status_code == 302
    escalation.refresh_from_db()
    assert escalation.state == "open" and escalation.answer == "eu-west-1"
    assert browser(eve_engineering).post(url, {"answer": "x"}).status_code == 403


def test_ticket_page_never_says_escalated_and_not_escalated(sam_support):
    """R8: a PATCH can't mark a ticket escalated, so the page can't contradict itself."""
    from tests.conftest import api_client

    ticket = triaged(sam_support)
    api_client(sam_support).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"status": "escalated"}, format="json"
    )
    html = browser(sam_support).get(ticket.get_absolute_url()).content.decode()
    assert not ("Escalated" in html and "Not escalated to engineering" in html)
    escalate(sam_support, ticket)
    html = browser(sam_support).get(ticket.get_absolute_url()).content.decode()
    assert "Escalated" in html and "Not escalated to engineering" not in html


def test_a_withdrawn_escalation_says_so_on_the_ticket_page(sam_support):
    from triage.services import ticket_set_status

    escalation = escalate(sam_support, triaged(sam_support))
    ticket_set_status(
        ticket=escalation.ticket, by=sam_support, status="in_progress", reason="workaround found"
    )
    html = browser(sam_support).get(escalation.ticket.get_absolute_url()).content.decode()
    assert "Withdrawn" in html and "Not escalated to engineering" not in html


def test_inbox_page_shows_scheduled_escalations_with_their_target_date(
    sam_support, eve_engineering
):
    escalation = escalate(sam_support, triaged(sam_support))
    services.escalation_decide(
        escalation=escalation, by=eve_engineering, decision="accept",
        target_date=date(2099, 1, 15),
    )  # fmt: skip
    html = browser(eve_engineering).get("/engineering/").content.decode()
    assert "Scheduled" in html and f'data-escalation="{escalation.pk}"' in html
    assert "15 Jan 2099" in html
    assert "No escalations are waiting for engineering" in html  # none pending


def test_escalation_form_marks_required_fields_and_lets_the_server_check_them(sam_support):
    """The panel's form leaves checking to the server (novalidate), like every other form."""
    ticket = triaged(sam_support)
    client = browser(sam_support)
    html = client.get(ticket.get_absolute_url()).content.decode()
    (form_tag,) = re.findall(r'<form[^>]*class="esc-form"[^>]*>', html)
    assert "novalidate" in form_tag
    for name in ("summary", "reproduction_steps", "impact", "customer_deadline", "tried", "links"):
        assert f'<label for="esc-{name}" class="required">' in html, name
    assert "marked * are required" in html
    answer = client.post(f"/engineering/tickets/{ticket.pk}/escalate/", {"urgency": "normal"})
    assert answer.status_code == 400
    errors = answer.content.decode()
    assert errors.count('class="errorlist') >= 6 and "No customer deadline" in errors
    assert not Escalation.objects.exists()


def test_escalation_form_states_no_deadline_and_no_links(sam_support):
    ticket = triaged(sam_support)
    data = form_data(customer_deadline="", links="", no_customer_deadline="on", no_links="on")
    answer = browser(sam_support).post(f"/engineering/tickets/{ticket.pk}/escalate/", data)
    assert answer.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.customer_deadline is None and escalation.links == []
    html = browser(sam_support).get(escalation.get_absolute_url()).content.decode()
    assert "No deadline" in html and "No links" in html


def test_nav_link_to_inbox_only_for_engineering_and_leadership(sam_support, eve_engineering):
    assert "Engineering inbox" in browser(eve_engineering).get("/").content.decode()
    assert "Engineering inbox" not in browser(sam_support).get("/").content.decode()
