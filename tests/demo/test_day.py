"""The demo day's plan (demo/day.py), without a database: a real day's mix, relative to now."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest

from demo import data, day
from shared.hours import ALWAYS_OPEN, WeeklyHours, parse_spans
from triage import sla
from triage.clock_plan import FirstResponseRule, goal_rule
from triage.priority import suggested_priority

SHIPPED = import_module("triage.migrations.0002_sla_defaults")  # the SLA table as it ships
CALENDARS = {
    "24x5": WeeklyHours(timezone="America/Los_Angeles", spans=parse_spans(SHIPPED.ENTERPRISE_24X5)),
    "24x7": ALWAYS_OPEN,
    "team": WeeklyHours(timezone="America/Los_Angeles", spans=parse_spans(SHIPPED.TEAM_HOURS)),
}
RULES = {}
for _tier, _priority, _minutes, _calendar, _premium in SHIPPED.TARGETS:
    for _is_premium, _name in ((False, _calendar), (True, _premium or _calendar)):
        RULES[(_tier, _priority, _is_premium)] = FirstResponseRule(
            CALENDARS[_name], timedelta(minutes=_minutes), contractual=True
        )
CUSTOMERS = [day.Customer(name, tier, premium) for name, tier, _, premium, *_ in data.ACCOUNTS]
PREMIUM = {c.name: c.premium for c in CUSTOMERS}
ENGINEERS = ["aiko", "sam", "sofia", "maya"]

# A weekday afternoon in Europe (most of the rota overlaps), a weekday night, a Saturday and a
# Monday morning after the weekend (the enterprise and team calendars were closed for two days).
INSTANTS = [
    datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
    datetime(2026, 12, 2, 3, 30, tzinfo=UTC),
    datetime(2026, 12, 5, 12, 0, tzinfo=UTC),
    datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
]


def rule_for(tier: str, priority: str, premium: bool) -> FirstResponseRule:
    return RULES.get((tier, priority, premium)) or goal_rule()


def plan(now: datetime, count: int = 200, seed: int = 7) -> list[day.Plan]:
    return day.plan_day(
        now=now, rng=random.Random(seed), count=count, customers=CUSTOMERS, rule_for=rule_for,
        working_at=lambda at: ENGINEERS[: 1 + at.hour % 3], engineers=ENGINEERS,
    )  # fmt: skip


def state_now(p: day.Plan, now: datetime) -> str | None:
    """Recompute, from the shipped SLA table, the state of the clock that runs now."""
    rule = rule_for(p.tier, p.priority, PREMIUM[p.account])
    if p.status == "waiting_on_customer":
        return None  # paused: the customer owes the next step
    start = p.update_at or p.first_response_at or p.created_at
    return sla.clock_state(
        now, sla.due_at(rule.hours, start, rule.target), sla.warn_at(rule.hours, start, rule.target)
    )


def waiting_on_us(plans: list[day.Plan]) -> list[day.Plan]:
    return [
        p for p in plans
        if p.source != "internal" and p.status not in ("resolved", "closed", "waiting_on_customer")
    ]  # fmt: skip


@pytest.mark.parametrize("now", INSTANTS, ids=str)
def test_the_demo_day_has_a_realistic_mix_of_on_track_near_and_breached_work(now):
    plans = plan(now)
    states = Counter(state_now(p, now) for p in waiting_on_us(plans))
    total = sum(states.values())
    assert total >= 60, states
    # Red must mean something: about one in eight breached, as many near their due time.
    assert 0.06 <= states["breached"] / total <= 0.2, states
    assert 0.06 <= states["near"] / total <= 0.2, states
    assert states["ok"] / total >= 0.65, states


@pytest.mark.parametrize("now", INSTANTS, ids=str)
def test_most_first_responses_of_the_demo_day_met_their_due_time(now):
    answered = [p for p in plan(now) if p.first_response_at is not None]
    met = 0
    for p in answered:
        rule = rule_for(p.tier, p.priority, PREMIUM[p.account])
        met += p.first_response_at <= sla.due_at(rule.hours, p.created_at, rule.target)
    assert 0.8 <= met / len(answered) <= 0.95, (met, len(answered))


@pytest.mark.parametrize("now", INSTANTS, ids=str)
def test_the_demo_day_spreads_over_the_last_thirty_hours_and_ends_before_now(now):
    plans = plan(now)
    created = sorted(p.created_at for p in plans)
    assert now - timedelta(hours=30) <= created[0] < now - timedelta(hours=24)
    assert now - timedelta(hours=1) < created[-1] < now
    for hour in range(0, 30, 6):  # no quarter of the day is empty
        lo, hi = now - timedelta(hours=hour + 6), now - timedelta(hours=hour)
        assert sum(lo <= c < hi for c in created) >= 15
    for p in plans:
        steps = [p.created_at, p.triaged_at, p.claimed_at, p.first_response_at, p.update_at,
                 p.escalated_at, p.accepted_at, p.closed_at]  # fmt: skip
        steps = [s for s in steps if s is not None]
        assert steps == sorted(steps) and steps[-1] < now, p
        if p.pin:
            assert p.last_at <= p.pin[2] < now


def test_about_half_the_demo_day_is_done_and_the_rest_in_every_open_state():
    plans = plan(INSTANTS[0])
    statuses = Counter(p.status for p in plans)
    assert 0.35 <= (statuses["resolved"] + statuses["closed"]) / len(plans) <= 0.55
    assert {"new", "triaged", "in_progress", "waiting_on_customer", "escalated"} <= set(statuses)


def test_demo_priorities_follow_the_policy_except_where_a_reason_is_given():
    plans = plan(INSTANTS[0])
    for p in plans:
        suggested = suggested_priority(source=p.source, tier=p.tier, severity=p.severity or None)
        assert (p.priority == suggested) != bool(p.override_reason), p
    pairs = Counter((p.tier, p.severity, p.priority) for p in plans)
    assert pairs[("free", "p2", "p3")] and pairs[("open_source", "p2", "p3")]  # R3
    assert {p.priority for p in plans if p.source == "internal"} == {"p3"}  # R3
    overrides = [p for p in plans if p.override_reason]
    assert {(p.tier, p.priority) for p in overrides} == {("team", "p1"), ("open_source", "p2")}


def test_the_demo_day_has_a_pending_and_an_accepted_escalation_and_pins_with_reasons():
    plans = plan(INSTANTS[0])
    escalated = {p.story: p for p in plans if p.escalated_at}
    assert set(escalated) == {"escalated", "escalation_accepted"}
    assert escalated["escalation_accepted"].accepted_at is not None
    assert escalated["escalated"].accepted_at is None
    pins = [p.pin for p in plans if p.pin]
    assert len(pins) == len(data.PINS) and all(reason for _, reason, _ in pins)


def test_a_small_demo_day_still_shows_every_story_people_look_for():
    plans = plan(INSTANTS[0], count=40)
    assert len(plans) == 40
    assert set(day.ALWAYS) <= {p.story for p in plans}


def test_the_same_seed_and_instant_plan_the_same_day():
    assert plan(INSTANTS[0]) == plan(INSTANTS[0])
    assert plan(INSTANTS[0]) != plan(INSTANTS[0], seed=8)
