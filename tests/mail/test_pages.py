"""Mail on the pages: the quarantine, a ticket's files, picking an unknown sender's account."""

from __future__ import annotations

import base64

import pytest

from mail.services.intake import receive
from tests.factories import AccountFactory
from tests.hostile import CORPUS, assert_html_inert
from tests.mail.helpers import corpus
from triage.models import EventKind, Message, MessageKind, Ticket, TicketEvent

pytestmark = pytest.mark.usefixtures("postgres")


def _client(client, user):
    client.force_login(user)
    return client


def test_leadership_sees_the_quarantine_and_releases_a_message_as_a_ticket(client, lee_leadership):
    held = receive(corpus("no-from"), source="pipe")
    page = _client(client, lee_leadership).get("/mail/quarantine/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Who sent this?" in html and "no readable From address" in html
    message = Message.objects.get(message_id=held.message_id)
    answer = client.post(f"/mail/quarantine/{message.pk}/release/")
    message.refresh_from_db()
    assert message.kind == MessageKind.OPENED and message.ticket_id
    assert answer.status_code == 302 and answer["Location"] == f"/tickets/{message.ticket_id}/"
    assert (message.released_by, message.released_at is not None) == (lee_leadership, True)
    ticket = message.ticket
    assert (ticket.title, ticket.account, ticket.tier) == ("Who sent this?", None, "free")
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.MAIL, actor=lee_leadership)
    assert "Who sent this?" not in client.get("/mail/quarantine/").content.decode()
    again = client.post(f"/mail/quarantine/{message.pk}/release/")
    assert again.status_code == 404 and Ticket.objects.count() == 1


@pytest.mark.parametrize("persona", ["eve_engineering", "cara_ce"])
def test_others_may_not_see_or_release_the_quarantine(client, request, persona):
    held = receive(corpus("no-from"), source="pipe")
    user = request.getfixturevalue(persona)
    pk = Message.objects.get(message_id=held.message_id).pk
    assert _client(client, user).get("/mail/quarantine/").status_code == 403
    assert client.post(f"/mail/quarantine/{pk}/release/").status_code == 403
    assert Message.objects.get(pk=pk).kind == MessageKind.QUARANTINED


def test_the_ticket_page_lists_received_files_and_serves_them_as_downloads(
    client, sam_support, cara_ce
):
    outcome = receive(corpus("attachments"), source="imap")
    page = _client(client, sam_support).get(f"/tickets/{outcome.ticket_id}/").content.decode()
    assert "screenshot.png" in page and "crash.log" in page and "Unknown sender." in page
    attachment = Message.objects.get(message_id=outcome.message_id).attachments.first()
    download = client.get(f"/tickets/{outcome.ticket_id}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    client.logout()
    url = f"/tickets/{outcome.ticket_id}/attachments/{attachment.pk}/"
    assert _client(client, cara_ce).get(url).status_code == 404


def test_support_picks_an_unknown_senders_account_and_the_rank_follows(client, sam_support):
    outcome = receive(corpus("html-only"), source="imap")
    before = Ticket.objects.get(pk=outcome.ticket_id)
    assert (before.tier, before.priority) == ("free", "p3")
    lab = AccountFactory(name="Unknown Lab", tier="enterprise")
    answer = _client(client, sam_support).post(
        f"/mail/tickets/{before.pk}/account/",
        {"account": "unknown lab", "reason": "Marie works at the lab"},
    )
    assert answer.status_code == 302
    after = Ticket.objects.get(pk=before.pk)
    assert (after.account, after.tier, after.source, after.priority) == (
        lab,
        "enterprise",
        "customer",
        "p2",
    )
    assert after.rank_key != before.rank_key
    event = TicketEvent.objects.get(ticket=after, kind=EventKind.ACCOUNT)
    assert (event.from_value, event.to_value, event.actor) == (
        "unknown sender",
        "Unknown Lab · enterprise",
        sam_support,
    )
    assert event.reason == "Marie works at the lab"


def test_an_unknown_account_name_changes_nothing(client, sam_support):
    outcome = receive(corpus("html-only"), source="imap")
    _client(client, sam_support).post(
        f"/mail/tickets/{outcome.ticket_id}/account/", {"account": "Nobody Inc"}
    )
    ticket = Ticket.objects.get(pk=outcome.ticket_id)
    assert ticket.account is None and ticket.tier == "free"
    assert not TicketEvent.objects.filter(kind=EventKind.ACCOUNT).exists()


def _hostile_mail(n: int, name: str, text: str) -> bytes:
    """Return a message whose subject and body carry the text the way mail can: the subject as
    RFC 2047 encoded words (which decode to anything, line breaks included), the body base64."""
    subject = base64.b64encode(text.encode("utf-8", "surrogatepass")[:600]).decode()
    body = base64.encodebytes(f"{name}\n\n{text}".encode("utf-8", "surrogatepass")).decode()
    return (
        f"From: hostile{n}@hostile.example\r\nTo: support@example.com\r\n"
        f"Message-ID: <hostile-{n}@hostile.example>\r\n"
        f"Subject: =?utf-8?b?{subject}?=\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{body}"
    ).encode()


def test_hostile_subjects_and_bodies_stay_inert_on_pages_and_as_stored_in_the_api(
    client, sam_support, lee_leadership
):
    _client(client, sam_support)
    for n, (name, text) in enumerate(CORPUS.items()):
        outcome = receive(_hostile_mail(n, name, text), source="pipe")
        assert outcome.created and outcome.kind == MessageKind.OPENED, name
        ticket = Ticket.objects.get(pk=outcome.ticket_id)
        assert "\n" not in ticket.title and "\x00" not in ticket.title + ticket.description
        html = client.get(f"/tickets/{ticket.pk}/").content.decode()
        assert_html_inert(html, ticket.title)
        api = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
        assert (api["title"], api["description"]) == (ticket.title, ticket.description), name
        # The same text from nobody is held: the quarantine page shows it inert too.
        raw = _hostile_mail(n, name, text).replace(b"From: hostile", b"X-Was: hostile")
        assert receive(raw.replace(b"<hostile-", b"<held-"), source="pipe").kind == "quarantined"
    client.force_login(lee_leadership)
    page = client.get("/mail/quarantine/")
    assert page.status_code == 200
    assert_html_inert(page.content.decode())
