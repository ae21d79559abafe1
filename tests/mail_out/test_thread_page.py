"""A ticket's page shows how it came in, who asked, and its mail thread (issue 13, point 10)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from tests.factories import AccountFactory, TicketFactory
from tests.hostile import CORPUS, assert_html_inert
from tests.mail_out.test_outbound import customer_message
from triage.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db


def page_of(user, ticket) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(f"/tickets/{ticket.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def mailed_ticket():
    account = AccountFactory(name="Acme", contact_email="boss@acme.example")
    ticket = TicketFactory(title="Exports fail", account=account)
    Ticket.objects.filter(pk=ticket.pk).update(channel="email", requester_email="ops@acme.example")
    ticket.refresh_from_db()
    return ticket


def test_the_page_shows_the_channel_the_requester_and_the_thread(sam_support):
    ticket = mailed_ticket()
    first = customer_message(ticket)
    Attachment.objects.create(
        message=first,
        filename="export-log.txt",
        content_type="text/plain",
        size=2048,
        file=ContentFile(b"x" * 2048, name="export-log.txt"),
    )
    Message.objects.filter(pk=first.pk).update(note="A part over 10 MiB was dropped: big.zip")
    page = page_of(sam_support, ticket)
    assert "<dt>Came in by</dt><dd>Email</dd>" in page  # the label, not "email"
    assert "ops@acme.example" in page
    assert 'id="thread-h">Thread</h2>' in page
    assert "Received" in page and "Opened the ticket" in page
    assert "Our exports fail since this morning." in page
    attachment = first.attachments.get()
    assert f'href="/tickets/{ticket.pk}/attachments/{attachment.pk}/"' in page
    assert "export-log.txt" in page and "2.0\xa0KB" in page
    assert "A part over 10 MiB was dropped" in page


def test_without_mail_the_page_says_where_replies_go(sam_support):
    ticket = TicketFactory(account=AccountFactory(contact_email="boss@acme.example"))
    page = page_of(sam_support, ticket)
    assert "<dt>Came in by</dt><dd>Web form</dd>" in page
    assert (
        "No mail on this ticket yet. Public replies go to <bdi>boss@acme.example</bdi> by e-mail."
        in page
    )


@pytest.mark.parametrize(
    "name",
    ["crlf_bcc", "bidi_override", "c0_c1_controls", "html_script", "html_attribute",
     "template_syntax"],
)  # fmt: skip
def test_text_from_the_mail_stays_inert_on_the_page(name, sam_support):
    ticket = mailed_ticket()
    first = customer_message(ticket)
    hostile = CORPUS[name]
    Message.objects.filter(pk=first.pk).update(
        from_name=hostile[:200], subject=hostile, text=hostile, to=hostile
    )
    Attachment.objects.create(
        message=first, filename=hostile[:255], content_type="text/html", size=1,
        file=ContentFile(b"x", name="x.bin"),
    )  # fmt: skip
    assert_html_inert(page_of(sam_support, ticket))
