"""Browser: a mailed ticket's page shows its channel, requester and thread; support replies and
the reply appears on the thread, sent to a real SMTP server (issue 13)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from tests.factories import AccountFactory, TicketFactory, UserFactory
from tests.hostile import parse_message
from tests.mail_out.test_outbound import customer_message
from triage.models import Account, Attachment, Message, MessageKind, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()


def test_support_reads_the_thread_and_replies_by_mail(
    chromium_available, django_db_setup, live_server, page, artifacts, smtp_server
):
    UserFactory(username="sam", role="support")
    account = AccountFactory(name="Acme Corp", contact_email="boss@acme.example")
    ticket = TicketFactory(title="Exports fail since the upgrade", account=account)
    Ticket.objects.filter(pk=ticket.pk).update(channel="email", requester_email="ops@acme.example")
    first = customer_message(ticket)
    Message.objects.filter(pk=first.pk).update(
        from_name="Olivia Ops",
        from_address="ops@acme.example",
        text="Since this morning every CSV export fails with a 504.\n\nCan you help?",
    )
    Attachment.objects.create(
        message=first,
        filename="export-log.txt",
        content_type="text/plain",
        size=2048,
        file=ContentFile(b"x" * 2048, name="export-log.txt"),
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    thread = page.locator("section.thread")
    assert "Olivia Ops" in thread.inner_text() and "export-log.txt" in thread.inner_text()
    assert page.locator("dl.fields").get_by_text("Email", exact=True).is_visible()
    page.screenshot(path=str(artifacts / "mail-thread-1-received.png"), full_page=True)

    page.fill("#reply-form textarea[name=body]", "We found it: a full disk on the export worker.")
    page.click("#reply-form button[type=submit]")
    page.wait_for_load_state()
    assert "We found it" in page.locator("section.thread").inner_text()
    page.screenshot(path=str(artifacts / "mail-thread-2-replied.png"), full_page=True)

    [(envelope, raw)] = smtp_server.received
    assert envelope == ["ops@acme.example"]
    sent = parse_message(raw)
    stored = Message.objects.get(kind=MessageKind.PUBLIC_REPLY)
    assert str(sent["message-id"]) == f"<{stored.message_id}>"
    assert str(sent["in-reply-to"]) == f"<{first.message_id}>"


def test_support_maps_a_domain_on_the_account_page(
    chromium_available, django_db_setup, live_server, page, artifacts
):
    UserFactory(username="sam", role="support")
    account = AccountFactory(name="Acme Corp", contact_email="boss@acme.example")
    AccountFactory(name="Other Co")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    page.select_option("select[name=kind]", "domain")
    page.fill("input[name=value]", "ACME.example")
    page.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    assert "acme.example" in page.locator("ul.address-list").inner_text()
    page.select_option("select[name=kind]", "address")
    page.fill("input[name=value]", "consultant@partner.example")
    page.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "mail-account-addresses.png"), full_page=True)
    other = Account.objects.get(name="Other Co")
    page.goto(f"{live_server.url}/accounts/{other.pk}/")
    page.fill("input[name=value]", "acme.example")
    page.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    assert "already belongs to the account" in page.content()
    page.screenshot(path=str(artifacts / "mail-account-addresses-clash.png"), full_page=True)
