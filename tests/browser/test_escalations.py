"""Browser: support escalates from the ticket page; engineering decides in its inbox (R8)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from escalations.models import Escalation
from escalations.services import escalation_create
from tests.factories import TicketFactory, UserFactory
from triage.services import ticket_assign, ticket_triage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()


def test_escalate_from_ticket_page_and_decide_in_inbox(
    chromium_available, django_db_setup, live_server, page, artifacts
):
    sam = UserFactory(username="sam", role="support", email="sam@example.com")
    UserFactory(username="eve", role="engineering")
    ticket = TicketFactory(title="Exports time out for large projects", tier="enterprise")
    ticket = ticket_triage(ticket=ticket, by=sam, severity="p1", priority="p1")
    ticket = ticket_assign(ticket=ticket, by=sam, assignee=sam)
    page.set_viewport_size({"width": 1200, "height": 900})

    sign_in(page, live_server, "sam")
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    page.get_by_text("Escalate to engineering", exact=True).first.click()  # opens <details>
    page.fill("#esc-summary", "CSV export returns 504 for projects over 50k issues")
    page.fill("#esc-reproduction_steps", "1. Open project ACME\n2. Export CSV\n3. 504 after 60 s")
    page.fill("#esc-impact", "All 40 admins are blocked from the quarterly audit")
    page.fill("#esc-customer_deadline", "2099-12-04")
    page.fill("#esc-tried", "Raised the proxy timeout; split the export by label")
    page.fill("#esc-links", "https://logs.example.com/trace/abc\nnot-a-url")
    page.check("#esc-urgency_0")  # drop everything
    page.screenshot(path=str(artifacts / "escalations-1-form.png"), full_page=True)
    page.click("form.esc-form button[type=submit]")

    # Invalid link, no flag and no justification: inline errors on the form page, nothing saved.
    page.wait_for_selector(".errorlist")
    page.screenshot(path=str(artifacts / "escalations-2-errors.png"), full_page=True)
    assert "not a valid http(s) URL" in page.content()
    assert "Say why this cannot wait a day" in page.content()
    assert not Escalation.objects.exists()
    page.fill("#esc-links", "https://logs.example.com/trace/abc")
    page.check("#esc-cannot_wait_a_day")
    page.fill("#esc-justification", "The audit is due tomorrow and nobody can export")
    page.click("form.esc-form button[type=submit]")
    page.wait_for_url(f"**{ticket.get_absolute_url()}")
    page.screenshot(path=str(artifacts / "escalations-3-ticket-escalated.png"), full_page=True)
    assert "Waiting in engineering" in page.content()
    escalation = Escalation.objects.get()
    assert escalation.urgency == "drop_everything"

    page.context.clear_cookies()
    sign_in(page, live_server, "eve")
    page.get_by_role("link", name="Engineering inbox").click()
    page.wait_for_selector(f'[data-escalation="{escalation.pk}"]')
    page.screenshot(path=str(artifacts / "escalations-4-inbox.png"), full_page=True)
    page.fill(f"#e{escalation.pk}-target", "2099-12-01")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=support is notified")
    page.screenshot(path=str(artifacts / "escalations-5-accepted.png"), full_page=True)
    escalation.refresh_from_db()
    assert escalation.state == "accepted" and str(escalation.target_date) == "2099-12-01"
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]  # the assignee, once

    page.context.clear_cookies()
    sign_in(page, live_server, "sam")
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    page.screenshot(path=str(artifacts / "escalations-6-ticket-decision.png"), full_page=True)
    assert "target date" in page.content()


def test_engineering_asks_and_support_answers_in_the_browser(
    chromium_available, django_db_setup, live_server, page, artifacts
):
    sam = UserFactory(username="sam", role="support", email="sam@example.com")
    UserFactory(username="eve", role="engineering")
    ticket = TicketFactory(title="Webhooks arrive twice", tier="team")
    ticket = ticket_triage(ticket=ticket, by=sam, severity="p2", priority="p2")
    escalation = escalation_create(
        ticket=ticket,
        by=sam,
        summary="Duplicate webhook deliveries",
        reproduction_steps="Create an issue; the webhook fires twice",
        impact="Their CI runs every job twice",
        customer_deadline=date(2099, 1, 10),
        tried="Checked retries in the delivery log",
        links=["https://logs.example.com/webhooks/42"],
    )
    page.set_viewport_size({"width": 1200, "height": 900})

    sign_in(page, live_server, "eve")
    page.goto(f"{live_server.url}/engineering/")
    page.fill(f"#e{escalation.pk}-question", "Which endpoint URL, and since when?")
    page.get_by_role("button", name="Ask for context").click()
    page.wait_for_selector("text=Waiting on support for context")
    page.screenshot(path=str(artifacts / "escalations-7-asked.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(page, live_server, "sam")
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    page.fill("#esc-answer", "https://ci.example.com/hook, since Monday's deploy")
    page.screenshot(path=str(artifacts / "escalations-8-answering.png"), full_page=True)
    page.get_by_role("button", name="Send answer to engineering").click()
    page.wait_for_selector("text=back in engineering's inbox")
    escalation.refresh_from_db()
    assert escalation.state == "open" and "Monday" in escalation.answer
    assert len(mail.outbox) == 1 and "more context" in mail.outbox[0].subject

    page.context.clear_cookies()
    sign_in(page, live_server, "eve")
    page.goto(f"{live_server.url}/engineering/")
    assert "since Monday" in page.content()
    page.fill(f"#e{escalation.pk}-reason", "Documented at-least-once delivery; dedupe on the id")
    page.get_by_role("button", name="Decline").click()
    page.wait_for_selector("text=declined; support is notified")
    page.screenshot(path=str(artifacts / "escalations-9-declined.png"), full_page=True)
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


def test_an_incomplete_escalation_comes_back_from_the_server_with_field_errors(
    chromium_available, django_db_setup, live_server, page, artifacts
):
    """The ticket page's form used to stop at the browser's popup, scrolled to a blank page."""
    sam = UserFactory(username="sam", role="support")
    ticket = TicketFactory(title="Exports time out for large projects", tier="enterprise")
    ticket = ticket_triage(ticket=ticket, by=sam, severity="p1", priority="p1")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "sam")
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    page.get_by_text("Escalate to engineering", exact=True).first.click()
    page.fill("#esc-summary", "CSV export returns 504")
    page.screenshot(path=str(artifacts / "escalations-10-panel-form.png"), full_page=True)
    page.click("form.esc-form button[type=submit]")
    page.wait_for_url(f"**/engineering/tickets/{ticket.pk}/escalate/", timeout=5000)
    page.wait_for_selector(".errorlist")
    page.screenshot(path=str(artifacts / "escalations-11-server-errors.png"), full_page=True)
    assert page.locator("h1").inner_text().startswith(f"Escalate #{ticket.pk}")
    assert page.input_value("#esc-summary") == "CSV export returns 504"  # kept
    assert page.locator(".errorlist").count() >= 5
    assert "No customer deadline" in page.content()
    page.check("#esc-no_customer_deadline")
    page.check("#esc-no_links")
    page.fill("#esc-reproduction_steps", "1. Export CSV")
    page.fill("#esc-impact", "All admins")
    page.fill("#esc-tried", "Raised the timeout")
    page.click("form.esc-form button[type=submit]")
    page.wait_for_url(f"**{ticket.get_absolute_url()}")
    escalation = Escalation.objects.get()
    assert escalation.customer_deadline is None and escalation.links == []


@pytest.mark.parametrize("username", ["sam", "lee", "eve"])
def test_withdrawn_and_scheduled_escalations_as_each_role_sees_them(
    chromium_available, django_db_setup, live_server, page, artifacts, username
):
    """R8: support moving a ticket on withdraws its undecided escalation; accepted ones stay
    in sight (scheduled) until the ticket resolves. Each staff role looks at both pages."""
    from escalations.services import escalation_decide
    from triage.services import ticket_set_status

    sam = UserFactory(username="sam", role="support")
    UserFactory(username="lee", role="leadership")
    eve = UserFactory(username="eve", role="engineering")
    context = {
        "reproduction_steps": "1. Export CSV", "impact": "All admins", "tried": "Timeouts",
        "customer_deadline": None, "no_customer_deadline": True, "links": [], "no_links": True,
    }  # fmt: skip
    moved = ticket_triage(
        ticket=TicketFactory(title="Search is slow", tier="team"), by=sam, severity="p2",
        priority="p2",
    )  # fmt: skip
    escalation_create(ticket=moved, by=sam, summary="Search p95 is 9 s", **context)
    ticket_set_status(ticket=moved, by=sam, status="in_progress", reason="reindexing fixed it")
    kept = ticket_triage(
        ticket=TicketFactory(title="Exports time out", tier="enterprise"), by=sam,
        severity="p1", priority="p1",
    )  # fmt: skip
    accepted = escalation_create(ticket=kept, by=sam, summary="CSV export 504", **context)
    escalation_decide(escalation=accepted, by=eve, decision="accept", target_date=date(2099, 3, 2))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, username)

    page.goto(f"{live_server.url}{moved.get_absolute_url()}")
    assert "Withdrawn" in page.content() and "Not escalated to engineering" not in page.content()
    page.screenshot(
        path=str(artifacts / f"escalations-12-withdrawn-{username}.png"), full_page=True
    )
    if username != "sam":  # the inbox is engineering's and leadership's
        page.goto(f"{live_server.url}/engineering/")
        scheduled = page.locator(f'[data-escalation="{accepted.pk}"]')
        assert "Target 2 Mar 2099" in scheduled.inner_text()
        page.screenshot(
            path=str(artifacts / f"escalations-13-inbox-{username}.png"), full_page=True
        )
