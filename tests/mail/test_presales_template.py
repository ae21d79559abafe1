"""The CE template by mail: the command sends it, and what it sends files a complete request."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from mail.services.intake import receive
from presales.models import PresalesRequest
from tests.factories import AccountFactory, UserFactory
from triage.models import Account

pytestmark = pytest.mark.usefixtures("postgres")

COMPLETE = {
    "summary": "Imports stall at 90 %",
    "attempted_and_expected": "Imported a CSV; expected it to finish.",
    "steps_taken": "Split the file.",
    "impact": "The pilot cannot start.",
    "impact_scope": "select_users",
    "design_doc_links": "",
    "sales_context": "Pilot, week 1",
}


def test_the_command_mails_the_template_to_each_ce_with_an_address(db):
    UserFactory(username="cara", role="ce", email="cara@example.com")
    UserFactory(username="carl", role="ce", email="")
    UserFactory(username="sam", role="support", email="sam@example.com")
    call_command("mail_presales_template")
    assert [m.to for m in mail.outbox] == [["cara@example.com"]]
    assert "Prospect: <" in mail.outbox[0].body and "Sales stage: <" in mail.outbox[0].body


def test_the_template_filled_in_and_mailed_back_files_a_complete_request(db):
    UserFactory(username="cara", role="ce", email="cara@example.com")
    call_command("mail_presales_template")
    body = mail.outbox[0].body.split("Send it to:", 1)[1].split("\n", 2)[2]
    answers = {
        "Prospect": "Hooli",
        "Summary": "Imports stall at 90 %",
        "Attempted and expected": "Imported 2 GB of CSV; expected it done in minutes.",
        "Steps taken": "Split the file; same result.",
        "Impact": "The pilot cannot start.",
        "Impact scope": "select_users",
        "Design docs": "none",
        "Sales stage": "Pilot, week 1",
        "Key dates": "go/no-go 2026-12-20",
    }
    filled = "\n".join(
        f"{line.split(':')[0]}: {answers[line.split(':')[0]]}"
        for line in body.splitlines()
        if ":" in line
    )
    raw = (
        "From: cara@example.com\r\nTo: support@example.com\r\nSubject: Hooli pilot\r\n"
        f"Message-ID: <tpl-1@example.com>\r\n\r\n{filled}\r\n"
    ).encode()
    mail.outbox.clear()
    outcome = receive(raw, source="pipe")
    request = PresalesRequest.objects.get(pk=outcome.ticket_id)
    assert not request.incomplete and request.summary == "Imports stall at 90 %"
    assert request.design_doc_links == [] and request.impact_scope == "select_users"
    assert mail.outbox == []


def test_the_ce_completes_a_mailed_request_in_the_web_form(client):
    cara = UserFactory(username="cara", role="ce", email="cara@example.com")
    raw = (
        b"From: cara@example.com\r\nSubject: Hooli pilot\r\nMessage-ID: <tpl-2@example.com>\r\n"
        b"\r\nProspect: Hooli\r\nImpact: The pilot cannot start.\r\n"
    )
    request = PresalesRequest.objects.get(pk=receive(raw, source="pipe").ticket_id)
    assert request.incomplete
    client.force_login(cara)
    page = client.get(f"/presales/requests/{request.pk}/complete/")
    assert page.status_code == 200
    assert "Steps already taken" in page.content.decode()
    half = client.post(
        f"/presales/requests/{request.pk}/complete/",
        {"summary": "Imports stall", "impact": "The pilot cannot start."},
    )
    assert half.status_code == 400
    request.refresh_from_db()
    assert request.incomplete  # nothing half-saved
    done = client.post(f"/presales/requests/{request.pk}/complete/", COMPLETE)
    assert done.status_code == 302
    request.refresh_from_db()
    assert not request.incomplete and request.missing_fields == []
    assert request.ticket.title == "Imports stall at 90 %"
    assert "Split the file." in request.ticket.description
    event = request.ticket.events.get(kind="presales")
    assert event.actor == cara and "was missing" in event.reason
    other = UserFactory(username="carl", role="ce", email="carl@example.com")
    client.force_login(other)
    assert client.get(f"/presales/requests/{request.pk}/complete/").status_code == 404


def _mailed_without_prospect(n: int) -> PresalesRequest:
    raw = (
        f"From: cara@example.com\r\nSubject: Imports stall\r\nMessage-ID: <tpl-np-{n}@example.com>"
        "\r\n\r\nImpact: The pilot cannot start.\r\n"
    ).encode()
    return PresalesRequest.objects.get(pk=receive(raw, source="pipe").ticket_id)


def test_a_request_mailed_without_its_prospect_is_named_in_the_web_form(client):
    cara = UserFactory(username="cara", role="ce", email="cara@example.com")
    AccountFactory(name="Hooli", tier="enterprise")
    known = AccountFactory(name="Pied Piper", tier="presales")
    client.force_login(cara)
    url = lambda r: f"/presales/requests/{r.pk}/complete/"  # noqa: E731

    first = _mailed_without_prospect(1)
    assert "prospect" in first.missing_fields
    assert first.account.name.startswith("Unnamed prospect")
    page = client.get(url(first)).content.decode()
    assert 'name="prospect"' in page and "without: <strong>Prospect," in page
    assert client.post(url(first), COMPLETE).status_code == 400  # the prospect is required
    customer = client.post(url(first), {**COMPLETE, "prospect": "hooli"})
    assert customer.status_code == 400 and "not a prospect" in customer.content.decode()
    first.refresh_from_db()
    assert first.incomplete and first.account.name.startswith("Unnamed prospect")

    assert client.post(url(first), {**COMPLETE, "prospect": "Umbrella Corp"}).status_code == 302
    first.refresh_from_db()
    assert not first.incomplete and first.account.name == "Umbrella Corp"
    assert first.ticket.account_id == first.account_id
    named = first.ticket.events.get(kind="presales", to_value="Umbrella Corp")
    assert named.actor == cara and named.from_value.startswith("Unnamed prospect")

    second = _mailed_without_prospect(2)
    placeholder = second.account
    assert client.post(url(second), {**COMPLETE, "prospect": "pied piper"}).status_code == 302
    second.refresh_from_db()
    assert second.account == known and second.ticket.account == known
    moved = second.ticket.events.get(kind="account")
    assert moved.actor == cara and moved.from_value == placeholder.name
    assert Account.objects.filter(pk=placeholder.pk).exists()  # nothing is hard-deleted
