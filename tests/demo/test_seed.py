"""`manage.py seed_demo`, which `python3 dev.py run` loads: a real day, through the services."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from escalations.models import Escalation
from presales.models import PresalesRequest
from queues.selectors import queue_health
from queues.services import load_evaluate, sla_warnings_send
from triage.models import EventKind, SlaClock, Ticket, TicketEvent
from triage.selectors.sla import sla_state, with_sla_clock

# Transactional (the fixture, so conftest's policy_defaults restores the SLA table after each
# flush): the teardown truncates the tables. Rolled-back seeds (1,000+ ticket writes each)
# would leave dead index entries that sway the query-plan checks of tests/queues.
pytestmark = pytest.mark.usefixtures("transactional_db")

THURSDAY = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # most of the rota overlaps


def load(now: datetime) -> str:
    out = io.StringIO()
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def waiting_on_us():
    return with_sla_clock(
        Ticket.objects.filter(status__in=["new", "triaged", "in_progress", "escalated"]).exclude(
            source="internal"
        )
    )


def test_the_demo_day_is_mostly_on_track_so_red_means_something():
    # tests/demo/test_day.py checks the plan at other instants (a night, a weekend, a Monday).
    now = THURSDAY
    out = load(now)
    states = Counter(sla_state(t, now) for t in waiting_on_us())
    total = sum(states.values())
    # The mix demo/day.py aims for: ~75 % on track, ~12 % near their due time, ~12 % breached.
    assert total >= 60, states
    assert 0.06 <= states["breached"] / total <= 0.2, states
    assert 0.06 <= states["near"] / total <= 0.2, states
    assert states["ok"] / total >= 0.65, states
    answered = SlaClock.objects.filter(kind="first_response", answered_at__isnull=False)
    met = sum(c.answered_at <= c.due_at for c in answered)
    assert 0.8 <= met / answered.count() <= 0.95
    created = Ticket.objects.order_by("created_at").values_list("created_at", flat=True)
    assert now - timedelta(hours=30) <= created.first() and created.last() < now
    assert f"{states['breached']} breached" in out  # the command says what the day holds


def test_the_demo_day_has_what_a_newcomer_looks_for_and_is_backed_up():
    load(THURSDAY)
    presales = Ticket.objects.filter(source="presales")
    requests = PresalesRequest.objects.filter(ticket__in=presales)
    assert presales.count() >= 5
    assert requests.count() == presales.count()  # a request row behind every pre-sales ticket
    assert set(requests.values_list("requested_by__username", flat=True)) == {"cara"}
    states = Counter(Escalation.objects.values_list("state", flat=True))
    assert states == {"open": 1, "accepted": 1}
    accepted = Escalation.objects.get(state="accepted")
    assert accepted.target_date > THURSDAY.date() and accepted.ticket.status == "escalated"
    pinned = Ticket.objects.filter(pinned_at__isnull=False)
    assert pinned.count() == 3 and all(t.pin_reason for t in pinned)
    assert TicketEvent.objects.filter(kind=EventKind.PIN).count() == 3  # R10: on the timeline
    pairs = set(Ticket.objects.values_list("tier", "severity", "priority"))
    assert {("free", "p2", "p3"), ("open_source", "p2", "p3"), ("internal", "p2", "p3")} <= pairs
    overridden = TicketEvent.objects.filter(kind=EventKind.PRIORITY).exclude(
        reason__startswith="matches the policy"
    )
    assert overridden.count() == 2  # an engineer chose another priority, and said why
    # A busy day: the first evaluation (a minute after the start) sends notices and warnings.
    assert queue_health(at=THURSDAY).state == "backed_up"
    with time_machine.travel(THURSDAY + timedelta(minutes=1), tick=False):
        assert load_evaluate().notices_created > 0
        assert sla_warnings_send() > 0


def test_seed_demo_leaves_a_loaded_day_as_it_is():
    load(THURSDAY)
    before = Ticket.objects.count()
    out = load(THURSDAY + timedelta(hours=2))
    assert Ticket.objects.count() == before
    assert "already loaded" in out and "--fresh" in out
