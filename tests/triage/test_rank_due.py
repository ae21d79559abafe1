"""R4 with R6: after the first response, a ticket ranks by its next update's due time, and the
queue page's Due column shows the due time that ranks it (issue 12, point 8)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.factories import TicketFactory
from tests.factories import public_reply as reply
from triage import services
from triage.models import ClockKind, SlaClock
from triage.selectors import open_queue

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
H = timedelta(hours=1)
TUESDAY_10 = datetime(2026, 5, 5, 10, tzinfo=LA)


def _scene(sam):
    """An answered, claimed enterprise p1 and an unanswered one filed an hour later."""
    answered = TicketFactory(tier="enterprise", severity="p1", title="Answered", now=TUESDAY_10)
    services.ticket_assign(ticket=answered, by=sam, assignee=sam, now=TUESDAY_10)
    answered = reply(
        ticket=answered, by=sam, body="Found it; next: a patch.", substantive=True,
        now=TUESDAY_10 + 3 * H,
    )  # fmt: skip
    waiting = TicketFactory(
        tier="enterprise", severity="p1", title="Unanswered", now=TUESDAY_10 + H
    )
    return answered, waiting


def test_an_answered_ticket_ranks_by_its_next_update_due_time(sam_support, as_sam):
    answered, unanswered = _scene(sam_support)
    # First responses were due at 14:00 and 15:00; the next update is due at 17:00.
    assert [t.pk for t in open_queue()] == [unanswered.pk, answered.pk]
    running = SlaClock.objects.get(
        ticket=answered, kind=ClockKind.NEXT_UPDATE, stopped_at__isnull=True
    )
    body = as_sam.get(f"/api/v1/tickets/{answered.pk}/").json()
    assert body["due_at"] == "2026-05-05T21:00:00Z"  # still the first response's due time
    assert body["next_update_due_at"] == "2026-05-06T00:00:00Z" == running.due_at.isoformat(
    ).replace("+00:00", "Z")  # fmt: skip
    assert "next update due 6 May 2026 00:00 UTC" in body["why"]
    assert as_sam.get(f"/api/v1/tickets/{unanswered.pk}/").json()["next_update_due_at"] is None


def test_the_due_column_shows_the_due_time_that_ranks_the_ticket(sam_support):
    answered, unanswered = _scene(sam_support)
    client = Client()
    client.force_login(sam_support)
    with time_machine.travel(TUESDAY_10 + 6 * H, tick=False):
        page = client.get("/").content.decode()
    assert page.index(f'data-ticket-id="{unanswered.pk}"') < page.index(
        f'data-ticket-id="{answered.pk}"'
    )
    row = page[page.index(f'data-ticket-id="{answered.pk}"') :]
    row = row[: row.index("</tr>")]
    assert ">answered<" not in row and "next update" in row and ">in 1 h<" in row
    row = page[page.index(f'data-ticket-id="{unanswered.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "breached 1 h ago" in row
