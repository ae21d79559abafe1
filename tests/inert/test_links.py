"""Issue 15, point 4: only http(s) links, rendered so they pass nothing on; markup is text."""

from __future__ import annotations

import pytest
from django.test import Client

from escalations.models import Escalation
from presales.models import PresalesRequest
from tests.factories import AccountFactory, TicketFactory, escalate
from tests.presales.conftest import file_request
from triage import services as triage
from triage.models import TicketEvent

pytestmark = pytest.mark.django_db

BAD_LINKS = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
             "JaVaScRiPt://%0aalert(1)", "ftp://files.example.com/design.pdf",
             "https://docs.example.com/\u202efdp.exe"]  # fmt: skip


@pytest.mark.parametrize("link", BAD_LINKS)
def test_a_request_with_a_link_other_than_http_is_refused(as_cara, link):
    prospect = AccountFactory(tier="presales")
    body = {"account": prospect.pk, "summary": "Helm fails", "attempted_and_expected": "a",
            "steps_taken": "b", "impact": "c", "sales_context": "d",
            "design_doc_links": ["https://docs.example.com/ok", link]}  # fmt: skip
    answer = as_cara.post("/api/v1/presales/requests/", body, format="json")
    assert answer.status_code == 400 and "design_doc_links" in answer.json()
    assert not PresalesRequest.objects.exists()


@pytest.mark.parametrize("link", BAD_LINKS)
def test_an_escalation_with_a_link_other_than_http_is_refused(as_sam, sam_support, link):
    ticket = TicketFactory(tier="enterprise", severity="p1")
    triage.ticket_triage(ticket=ticket, by=sam_support, severity="p1", priority="p1")
    body = {"summary": "Exports fail", "reproduction_steps": "a", "impact": "b", "tried": "c",
            "customer_deadline": "2099-01-01", "links": [link]}  # fmt: skip
    answer = as_sam.post(f"/api/v1/tickets/{ticket.pk}/escalations/", body, format="json")
    assert answer.status_code == 400 and "links" in answer.json()
    assert not Escalation.objects.exists()


def test_links_open_without_passing_on_who_we_are_or_ranking_them(cara_ce, sam_support):
    request = file_request(cara_ce, design_doc_links=["https://docs.example.com/design"])
    browser = Client()
    browser.force_login(cara_ce)
    html = browser.get(f"/presales/requests/{request.pk}/").content.decode()
    assert (
        '<a href="https://docs.example.com/design" rel="noopener noreferrer nofollow">'
        "<bdi>https://docs.example.com/design</bdi></a>"
    ) in html
    ticket = TicketFactory(tier="enterprise", severity="p1")
    triage.ticket_triage(ticket=ticket, by=sam_support, severity="p1", priority="p1")
    escalation = escalate(ticket, by=sam_support)
    browser.force_login(sam_support)
    html = browser.get(f"/engineering/escalations/{escalation.pk}/").content.decode()
    assert 'href="https://logs.example.com/trace/abc" rel="noopener noreferrer nofollow"' in html


def test_a_stored_script_link_is_shown_as_text_never_as_a_link(cara_ce, sam_support):
    request = file_request(cara_ce)
    PresalesRequest.objects.filter(pk=request.pk).update(
        design_doc_links=["javascript:alert(document.cookie)"]
    )
    ticket = TicketFactory(tier="enterprise", severity="p1")
    triage.ticket_triage(ticket=ticket, by=sam_support, severity="p1", priority="p1")
    escalation = escalate(ticket, by=sam_support)
    Escalation.objects.filter(pk=escalation.pk).update(links=["data:text/html,<b>x</b>"])
    browser = Client()
    browser.force_login(cara_ce)
    html = browser.get(f"/presales/requests/{request.pk}/").content.decode()
    assert (
        'href="javascript:' not in html and "<bdi>javascript:alert(document.cookie)</bdi>" in html
    )
    browser.force_login(sam_support)
    html = browser.get(f"/engineering/escalations/{escalation.pk}/").content.decode()
    assert 'href="data:text' not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_replies_and_descriptions_with_markup_are_shown_as_text(as_sam, sam_support):
    markup = '<script>alert("x")</script><img src=x onerror=alert(1)> <a href="javascript:x">y</a>'
    ticket = TicketFactory(tier="enterprise", description=markup)
    answer = as_sam.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": markup}, format="json")
    assert answer.status_code == 201 and answer.json()["body"] == markup  # stored as written
    assert TicketEvent.objects.get(kind="reply").body == markup
    browser = Client()
    browser.force_login(sam_support)
    html = browser.get(f"/tickets/{ticket.pk}/").content.decode()
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert html.count(escaped) == 2  # the description and the reply
    assert "<script>alert" not in html and "<img" not in html and 'href="javascript:' not in html
