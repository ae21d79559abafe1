"""Breach warnings (R6): once at 75 % of the target, once at breach, never twice."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection

from queues.services.warnings import warning_recipients
from queues.tasks import sla_warnings_scan
from tests.conftest import wait_for
from tests.factories import TicketFactory, UserFactory
from tests.factories import public_reply as ticket_reply
from triage import services
from triage.models import EventKind, SlaClock, TicketEvent
from triage.selectors import clocks_to_warn

LA = ZoneInfo("America/Los_Angeles")
H = timedelta(hours=1)
T = datetime(2026, 5, 5, 10, tzinfo=LA)  # a Tuesday, inside the 24×5 calendar


def _warnings(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_WARNING)
        .order_by("id")
        .values_list("from_value", "to_value")
    )


def _scan(at):
    return sla_warnings_scan.delay(now=at.isoformat())


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """Run the scan in-process at a fixed instant, sending the mail queued for commit."""

    def run(at):
        with django_capture_on_commit_callbacks(execute=True):
            _scan(at)

    return run


@pytest.fixture
def sam(db):
    return UserFactory(username="sam", role="support", email="sam@example.com")


@pytest.fixture
def sofia(db):
    return UserFactory(username="sofia", role="support", email="sofia@example.com")


def _assigned_p1(sam):
    ticket = TicketFactory(tier="enterprise", severity="p1", now=T)  # due T + 4 h
    return services.ticket_assign(ticket=ticket, by=sam, assignee=sam, now=T)


def test_assignee_is_warned_once_at_75_percent_and_once_at_breach(scan, sam, sofia):
    ticket = _assigned_p1(sam)
    scan(T + 2 * H)
    assert _warnings(ticket) == []
    scan(T + 3 * H)
    scan(T + 3 * H + timedelta(minutes=1))
    assert _warnings(ticket) == [("first_response", "near")]
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    assert "75%" in mail.outbox[0].subject
    scan(T + 4 * H)
    scan(T + 5 * H)
    assert _warnings(ticket) == [("first_response", "near"), ("first_response", "breached")]
    assert len(mail.outbox) == 2 and "breached" in mail.outbox[1].subject


def test_unassigned_ticket_warns_every_support_engineer(scan, sam, sofia):
    ticket = TicketFactory(tier="enterprise", severity="p1", now=T)
    assert [u.username for u in warning_recipients(ticket, T)] == ["sam", "sofia"]
    scan(T + 3 * H)
    assert sorted(mail.outbox[0].to) == ["sam@example.com", "sofia@example.com"]
    assert "sam, sofia" in TicketEvent.objects.get(kind=EventKind.SLA_WARNING).reason


def test_ticket_found_past_due_gets_only_the_breach_warning(scan, sam):
    ticket = _assigned_p1(sam)
    scan(T + 10 * H)
    scan(T + 11 * H)
    assert _warnings(ticket) == [("first_response", "breached")]
    assert len(mail.outbox) == 1


def test_answered_ticket_is_not_warned_about_its_first_response(scan, sam):
    ticket = _assigned_p1(sam)
    ticket_reply(ticket=ticket, by=sam, body="Diagnosis, next steps.", substantive=True, now=T + H)
    scan(T + 4 * H + timedelta(minutes=1))
    assert ("first_response", "breached") not in _warnings(ticket)


def test_next_update_is_warned_after_the_first_response(scan, sam):
    ticket = _assigned_p1(sam)
    ticket_reply(ticket=ticket, by=sam, body="Diagnosis, next steps.", substantive=True, now=T)
    scan(T + 4 * H)
    assert _warnings(ticket) == [("next_update", "breached")]


def test_ticket_waiting_on_customer_is_not_warned(scan, sam):
    ticket = _assigned_p1(sam)
    services.ticket_set_status(ticket=ticket, by=sam, status="waiting_on_customer", now=T + H)
    scan(T + 10 * H)
    assert _warnings(ticket) == []


def test_goal_clock_sends_no_warning_of_its_own(scan, sam):
    # Enterprise p2 (8 business hours) passes the two-hour goal long before its contract.
    ticket = TicketFactory(tier="enterprise", severity="p2", now=T)
    scan(T + 3 * H)
    assert _warnings(ticket) == []


def test_warning_scan_is_an_index_scan_over_running_clocks(postgres, sam):
    _assigned_p1(sam)
    query = (
        SlaClock.objects.filter(
            stopped_at__isnull=True,
            kind__in=("first_response", "next_update"),
            breach_warned_at__isnull=True,
            due_at__lte=T,
        )
        .order_by("due_at")
        .values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "clock_breach_scan" in plan
    assert clocks_to_warn(T) == []


def test_warnings_are_idempotent_with_the_real_worker(celery_worker, sam):
    ticket = _assigned_p1(sam)  # 75 % at T + 3 h, due T + 4 h
    later = TicketFactory(tier="enterprise", severity="p1", now=T + 2 * H)  # 75 % at T + 5 h
    for at in (T + 3 * H, T + 3 * H, T + 4 * H, T + 4 * H, T + 5 * H):
        _scan(at)
    # One worker runs tasks in order, so once the last scan's warning is on the timeline,
    # every earlier scan and warning task has run too: no sleeping needed.
    wait_for(lambda: _warnings(later) == [("first_response", "near")])
    assert _warnings(ticket) == [("first_response", "near"), ("first_response", "breached")]


def test_unassigned_ticket_warns_the_engineers_on_duty(db):
    from datetime import UTC, datetime

    from queues import rota
    from queues.demo import seed_rota
    from queues.selectors import support_staff

    seed_rota()
    thursday = datetime(2026, 5, 14, 18, 0, tzinfo=UTC)
    ticket = TicketFactory(tier="enterprise", severity="p1", now=thursday)
    engineers = [row.engineer for row in support_staff(absences_after=thursday)]
    on_duty = sorted(e.username for e in rota.on_duty_at(engineers, thursday))
    assert 0 < len(on_duty) < len(engineers)  # the demo rota has a few on duty at a time
    assert [u.username for u in warning_recipients(ticket, thursday)] == on_duty
