"""GET /api/v1/tickets/{id}/messages/ and a ticket's channel and requester (issue 13, point 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from tests.conftest import api_client
from tests.factories import AccountFactory, TicketFactory
from tests.mail_out.test_outbound import customer_message
from tests.presales.conftest import file_request
from triage.models import (
    Attachment,
    Channel,
    Direction,
    Message,
    MessageKind,
    MessageSource,
    Ticket,
)

pytestmark = pytest.mark.django_db


def thread(ticket, n=3):
    """A customer's message with an attachment, then our replies, oldest first."""
    first = customer_message(ticket, message_id=f"CAF1=abc.{ticket.pk}@mail.customer.example")
    Attachment.objects.create(
        message=first,
        filename="trace.html",
        content_type="text/html",
        size=26,
        file=ContentFile(b"<script>alert(1)</script>\n", name="trace.html"),
    )
    rows = [first]
    for i in range(1, n):
        rows.append(
            Message.objects.create(
                ticket=ticket,
                direction=Direction.OUTBOUND,
                kind=MessageKind.PUBLIC_REPLY,
                source=MessageSource.APP,
                message_id=f"reply{i}.{ticket.pk}@support.example",
                in_reply_to=rows[-1].message_id,
                from_address="support@support.example",
                to="ops@customer.example",
                subject=f"Re: [#{ticket.pk}] Exports fail",
                text=f"Reply {i}",
                at=first.at + timedelta(minutes=i),
            )
        )
    return rows


def test_the_thread_is_listed_oldest_first_with_its_attachments(as_sam):
    ticket = TicketFactory()
    rows = thread(ticket)
    thread(TicketFactory())  # another ticket's thread is not listed
    answer = as_sam.get(f"/api/v1/tickets/{ticket.pk}/messages/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["next"] is None
    results = body["results"]
    assert [m["id"] for m in results] == [r.pk for r in rows]
    first = results[0]
    assert set(first) == {
        "id", "direction", "kind", "message_id", "in_reply_to", "from_address", "from_name",
        "to", "subject", "text", "at", "attachments",
    }  # fmt: skip
    assert (first["direction"], first["kind"]) == ("in", "opened")
    assert first["message_id"] == f"CAF1=abc.{ticket.pk}@mail.customer.example"  # no brackets
    assert results[1]["in_reply_to"] == first["message_id"]
    [attachment] = first["attachments"]
    assert (attachment["filename"], attachment["content_type"], attachment["size"]) == (
        "trace.html", "text/html", 26,
    )  # fmt: skip
    assert attachment["url"] == f"/tickets/{ticket.pk}/attachments/{attachment['id']}/"
    assert results[1]["attachments"] == []


def test_the_thread_is_paged_like_the_other_lists(as_sam):
    ticket = TicketFactory()
    rows = thread(ticket, n=5)
    page = as_sam.get(f"/api/v1/tickets/{ticket.pk}/messages/?limit=2&offset=2").json()
    assert [m["id"] for m in page["results"]] == [r.pk for r in rows[2:4]]
    assert "offset=4" in page["next"]
    bad = as_sam.get(f"/api/v1/tickets/{ticket.pk}/messages/?limit=0")
    assert bad.status_code == 400 and "limit" in bad.json()


def test_the_thread_is_as_visible_as_its_ticket(cara_ce, carl_ce, as_eve, anon):
    customer_ticket = TicketFactory()
    thread(customer_ticket)
    own = file_request(cara_ce).ticket
    thread(own, n=2)
    as_cara = api_client(cara_ce)
    assert as_cara.get(f"/api/v1/tickets/{customer_ticket.pk}/messages/").status_code == 404
    assert len(as_cara.get(f"/api/v1/tickets/{own.pk}/messages/").json()["results"]) == 2
    assert api_client(carl_ce).get(f"/api/v1/tickets/{own.pk}/messages/").status_code == 404
    assert as_eve.get(f"/api/v1/tickets/{own.pk}/messages/").status_code == 200  # staff role
    assert anon.get(f"/api/v1/tickets/{own.pk}/messages/").status_code == 401
    assert as_eve.get("/api/v1/tickets/999999/messages/").status_code == 404


def test_an_attachment_downloads_for_whoever_reads_the_ticket_never_inline(cara_ce, sam_support):
    ticket = TicketFactory()
    [first, *_] = thread(ticket)
    attachment = first.attachments.get()
    url = f"/tickets/{ticket.pk}/attachments/{attachment.pk}/"
    sam = Client()
    sam.force_login(sam_support)
    answer = sam.get(url)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == b"<script>alert(1)</script>\n"
    assert answer["Content-Type"] == "application/octet-stream"
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["X-Content-Type-Options"] == "nosniff"
    other = TicketFactory()
    assert sam.get(f"/tickets/{other.pk}/attachments/{attachment.pk}/").status_code == 404
    cara = Client()
    cara.force_login(cara_ce)
    assert cara.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in


def test_a_ticket_says_how_it_came_in_and_who_asked(as_sam, sam_support, cara_ce):
    account = AccountFactory()
    answer = as_sam.post(
        "/api/v1/tickets/", {"title": "t", "source": "customer", "account": account.pk}, "json"
    )
    assert answer.status_code == 201
    assert (answer.json()["channel"], answer.json()["requester_email"]) == ("api", "")

    web = Client()
    web.force_login(sam_support)
    web.post(
        "/tickets/new/", {"title": "From the form", "source": "customer", "account": account.pk}
    )
    assert Ticket.objects.get(title="From the form").channel == Channel.WEB

    mailed = TicketFactory()
    Ticket.objects.filter(pk=mailed.pk).update(channel="email", requester_email="ops@c.example")
    shown = as_sam.get(f"/api/v1/tickets/{mailed.pk}/").json()
    assert (shown["channel"], shown["requester_email"]) == ("email", "ops@c.example")
    listed = as_sam.get("/api/v1/tickets/").json()["results"]
    assert {t["channel"] for t in listed} == {"api", "web", "email"}

    prospect = AccountFactory(tier="presales", name="Prospect")
    assert file_request(cara_ce, account=prospect).ticket.channel == Channel.WEB
    as_cara = api_client(cara_ce)
    body = {
        "account": prospect.pk,
        "summary": "Helm install fails",
        "attempted_and_expected": "Installed the chart; expected pods up.",
        "steps_taken": "Checked node resources.",
        "impact_scope": "blocking_all",
        "impact": "Blocked.",
        "design_doc_links": [],
        "sales_context": "Evaluation.",
    }
    filed = as_cara.post("/api/v1/presales/requests/", body, format="json")
    assert filed.status_code == 201, filed.content
    assert filed.json()["channel"] == "api"


def test_a_ticket_channel_cannot_be_written(as_sam):
    ticket = TicketFactory()
    as_sam.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"status": "in_progress", "channel": "email", "requester_email": "x@y.example"},
        format="json",
    )
    ticket.refresh_from_db()
    assert (ticket.channel, ticket.requester_email) == ("web", "")
