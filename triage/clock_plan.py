"""The SLA clock plan (R6): which response clocks a ticket has and when each is due.

Pure code: a ticket's facts and its calendar in, plans out; no ORM and no clock reads. The
service `triage.services.clocks` syncs these plans to `SlaClock` rows, and the rank sorts on
`ranking_due` (the first response's due time until it is recorded, then the next update's),
computed from the same functions, so both say the same thing.

Three clocks per customer or pre-sales ticket (internal work has none):

- `first_response`: the contractual target for the ticket's tier and priority, in the SLA
  calendar (premium accounts use the premium calendar); a tier without a contract (free, open
  source, pre-sales) gets the two-hour team goal instead, so every customer has a due time.
  Stops at the first *substantive* reply.
- `goal`: the team's two-hour first-reply goal, wall-clock time, for every ticket (pre-sales
  included). Tracked for the dashboard; it does not send warnings of its own.
- `next_update`: after the first response, while the ticket is open, the next public reply is
  due within the same target as the first response, counted in the same calendar from the
  *last public reply*. Time waiting on the customer does not count. A new reply stops the
  running next-update clock and starts the next one; resolving or closing stops it.

Every clock pauses while the ticket waits on the customer. Only pauses before the first
response move the first-response clocks, so a due time that was met stays put.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.hours import ALWAYS_OPEN, WeeklyHours
from triage import sla

FIRST_RESPONSE, GOAL, NEXT_UPDATE = "first_response", "goal", "next_update"
KINDS = (FIRST_RESPONSE, GOAL, NEXT_UPDATE)
# The team goal's default: a first reply within about two hours for everyone (R6). The
# setting TEAM_FIRST_REPLY_GOAL_MINUTES overrides it (read once, in triage.selectors.team_goal).
TEAM_GOAL = timedelta(hours=2)

Pause = sla.Pause


@dataclass(frozen=True)
class ClockPlan:
    """What one clock row should hold."""

    kind: str
    started_at: datetime
    target: timedelta
    contractual: bool
    due_at: datetime | None
    warn_at: datetime | None
    stopped_at: datetime | None
    answered_at: datetime | None = None  # the reply that stopped it (None: closed or running)


@dataclass(frozen=True)
class FirstResponseRule:
    """The calendar and target a ticket's first response is due in."""

    hours: WeeklyHours
    target: timedelta
    contractual: bool  # from the SLA policy table; else the two-hour team goal


def goal_rule(goal: timedelta = TEAM_GOAL) -> FirstResponseRule:
    """Return the rule for a tier without a contract: the team goal, around the clock."""
    return FirstResponseRule(ALWAYS_OPEN, goal, contractual=False)


def pauses_before(pauses: Sequence[Pause], instant: datetime | None) -> list[Pause]:
    """Return the pauses that began before `instant` (all of them when it is None)."""
    if instant is None:
        return list(pauses)
    return [(s, e) for s, e in pauses if s < instant]


def first_response_due(
    *,
    created_at: datetime,
    first_response_at: datetime | None,
    rule: FirstResponseRule,
    pauses: Sequence[Pause] = (),
    goal: timedelta = TEAM_GOAL,
) -> tuple[datetime | None, datetime | None]:
    """Return (the first response's due time, the two-hour goal's due time).

    Without a contract the first response is due at the goal. None while an open pause that
    began before the due time stops the clock.
    """
    early = pauses_before(pauses, first_response_at)
    goal_due = sla.due_at(ALWAYS_OPEN, created_at, goal, early)
    return sla.due_at(rule.hours, created_at, rule.target, early), goal_due


def next_update_due(
    *,
    first_response_at: datetime | None,
    last_reply_at: datetime | None,
    rule: FirstResponseRule,
    pauses: Sequence[Pause] = (),
) -> datetime | None:
    """Return when the next public reply is due: the target counted from the last public reply
    (the first response at the earliest). None before the first response, or while paused."""
    if first_response_at is None:
        return None
    start = max(last_reply_at or first_response_at, first_response_at)
    return sla.due_at(rule.hours, start, rule.target, pauses)


def ranking_due(
    *, first_response_at: datetime | None, first_due: datetime | None, next_due: datetime | None
) -> datetime | None:
    """Return the due time the rank sorts on (R4, R6): what the customer waits for next.

    Until the first response that is the first response's due time; after it, the next
    update's. An answered ticket whose first reply was early no longer ranks on that long-met
    due time above work still waiting for its first reply.
    """
    return first_due if first_response_at is None else next_due


def plan_clocks(
    *,
    created_at: datetime,
    is_open: bool,
    first_response_at: datetime | None,
    last_reply_at: datetime | None,
    hours: WeeklyHours,
    target: timedelta,
    contractual: bool,
    pauses: Sequence[Pause],
    closed_at: datetime | None,
    goal: timedelta = TEAM_GOAL,
) -> list[ClockPlan]:
    """Return the clocks a ticket with these facts has."""
    rule = FirstResponseRule(hours, target, contractual)
    early = pauses_before(pauses, first_response_at)
    due, goal_due = first_response_due(
        created_at=created_at,
        first_response_at=first_response_at,
        rule=rule,
        pauses=pauses,
        goal=goal,
    )
    stop = first_response_at or (None if is_open else closed_at)
    plans = [
        ClockPlan(
            FIRST_RESPONSE,
            created_at,
            target,
            contractual,
            due,
            sla.warn_at(hours, created_at, target, early),
            stop,
            first_response_at,
        ),
        ClockPlan(GOAL, created_at, goal, False, goal_due, None, stop, first_response_at),
    ]
    if first_response_at is not None:
        start = max(last_reply_at or first_response_at, first_response_at)
        plans.append(
            ClockPlan(
                NEXT_UPDATE,
                start,
                target,
                contractual,
                next_update_due(
                    first_response_at=first_response_at,
                    last_reply_at=last_reply_at,
                    rule=rule,
                    pauses=pauses,
                ),
                sla.warn_at(hours, start, target, pauses),
                None if is_open else closed_at,
            )
        )
    return plans
