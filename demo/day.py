"""Plan a demo day relative to the time it is loaded: who wrote in when, and what the team did.

Pure code: `now`, a random generator, the accounts, each ticket's first-response rule and who
was working come in; one `Plan` per ticket comes out. `demo.seed` files the plans through the
services, so every due time, clock and timeline row is the product's own.

The mix it aims for (README "A tour of the demo day"; `tests/demo/test_day.py` checks it):

- tickets filed over the last 30 hours, about 45 % of them already resolved or closed;
- of the customer and pre-sales work that waits on us now: about 75 % on track, 12 % near
  their due time (past 75 % of the target) and 12 % breached;
- of the first responses given, about 88 % met their due time;
- severity and priority differ where the policy says (free and open-source p2 work is p3,
  internal work p3), and twice where an engineer overrode the suggestion with a reason.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from demo import data
from triage import sla
from triage.clock_plan import FirstResponseRule
from triage.priority import suggested_priority

WINDOW = timedelta(hours=30)
MINUTE = timedelta(minutes=1)

# story: what happened to the ticket by now; share of the customer and pre-sales tickets.
STORIES: dict[str, float] = {
    "resolved": 0.27,  # first response in time, resolved
    "closed": 0.11,  # ... then closed
    "resolved_late": 0.06,  # first response after its due time, resolved
    "answered": 0.11,  # first response in time and an update since; in progress
    "waiting": 0.09,  # first response in time; waiting on the customer (clocks paused)
    "answered_late": 0.03,  # first response after its due time; in progress
    "new": 0.08,  # filed minutes ago, not triaged yet
    "queued": 0.08,  # triaged, waiting to be claimed, on track
    "claimed": 0.05,  # claimed and being worked on, no reply yet, on track
    "near": 0.05,  # no reply yet, past 75 % of the target
    "breached": 0.05,  # no reply yet, past the due time
    "escalated": 0.01,  # answered, escalated to engineering: waiting for its decision
    "escalation_accepted": 0.01,  # answered, escalated, accepted with a target date
}
# Stories a small demo (the browser tests load 40 tickets) still shows at least once.
ALWAYS = ("new", "queued", "near", "breached", "answered", "waiting", "resolved", "closed",
          "escalated", "escalation_accepted")  # fmt: skip
OPEN_STORIES = {"answered", "waiting", "answered_late", "new", "queued", "claimed", "near",
                "breached", "escalated", "escalation_accepted"}  # fmt: skip
# The state the ticket's running clock is in at `now` (None: waiting on the customer).
EXPECTED = {"new": "ok", "queued": "ok", "claimed": "ok", "near": "near", "breached": "breached",
            "answered": "ok", "answered_late": "ok", "escalated": "ok",
            "escalation_accepted": "ok", "waiting": None}  # fmt: skip
LATE = {"resolved_late", "answered_late"}
ANSWERED = {"resolved", "closed", "resolved_late", "answered", "waiting", "answered_late",
            "escalated", "escalation_accepted"}  # fmt: skip


@dataclass(frozen=True)
class Customer:
    """An account as the planner sees it."""

    name: str
    tier: str
    premium: bool = False


@dataclass(frozen=True)
class Plan:
    """One ticket of the day and what the team did with it, in time order."""

    story: str
    source: str  # customer | presales | internal
    account: str | None
    tier: str
    issue: int  # index into the issue list of its severity (or the internal/pre-sales list)
    reported_severity: str
    severity: str
    priority: str
    created_at: datetime
    override_reason: str = ""
    triaged_at: datetime | None = None
    triaged_by: str | None = None
    claimed_at: datetime | None = None
    assignee: str | None = None
    first_response_at: datetime | None = None
    update_at: datetime | None = None
    status: str = "new"
    status_at: datetime | None = None
    closed_at: datetime | None = None
    escalated_at: datetime | None = None
    accepted_at: datetime | None = None
    pin: tuple[str, str, datetime] | None = None  # (by, reason, when)
    due_at: datetime | None = field(default=None, compare=False)

    @property
    def last_at(self) -> datetime:
        """Return the instant of the last thing that happened to the ticket."""
        moments = [self.created_at, self.triaged_at, self.claimed_at, self.first_response_at,
                   self.update_at, self.status_at, self.closed_at, self.escalated_at,
                   self.accepted_at]  # fmt: skip
        return max(m for m in moments if m is not None)


RuleFor = Callable[[str, str, bool], FirstResponseRule]
WorkingAt = Callable[[datetime], Sequence[str]]


def story_counts(total: int) -> dict[str, int]:
    """Split `total` customer and pre-sales tickets over the stories."""
    counts = {story: int(total * share) for story, share in STORIES.items()}
    if total >= 2 * len(ALWAYS):
        for story in ALWAYS:
            counts[story] = max(counts[story], 1)
    counts["resolved"] += total - sum(counts.values())
    return counts


def _between(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    return lo + (hi - lo) * rng.random()


def _minutes(rng: random.Random, lo: float, hi: float) -> timedelta:
    return timedelta(minutes=rng.uniform(lo, hi))


class _Planner:
    def __init__(self, *, now, rng, customers, rule_for, working_at, engineers):
        self.now, self.rng = now, rng
        self.customers, self.rule_for = list(customers), rule_for
        self.working_at, self.engineers = working_at, list(engineers)

    def engineer(self, at: datetime) -> str:
        """Return someone working at `at` (the rota says who), else anyone on the team."""
        return self.rng.choice(list(self.working_at(at)) or self.engineers)

    def customer(self, tier: str | None) -> Customer:
        if tier is None:
            tiers = [t for t in data.TIER_SHARES if any(c.tier == t for c in self.customers)]
            tier = self.rng.choices(tiers, weights=[data.TIER_SHARES[t] for t in tiers])[0]
        return self.rng.choice([c for c in self.customers if c.tier == tier])

    def severity(self, story: str, override: bool) -> tuple[str, str]:
        """Return (what the reporter said, what triage set)."""
        if story == "escalation_accepted":
            return "p0", "p0"
        if story == "escalated":
            return "p1", "p1"
        if override:
            return "p2", "p2"
        # Few p0 and p1 (the policy expects them to be rare); a quarter say nothing.
        reported = self.rng.choices(["", "p0", "p1", "p2"], weights=[25, 1.5, 10, 63.5])[0]
        return reported, reported or self.rng.choices(["p1", "p2"], weights=[1, 9])[0]

    def plan(self, story: str, tier: str | None = None, override: bool = False) -> Plan:
        """Return a plan for `story`, from `tier` when it fits (else another account)."""
        for _ in range(100):
            customer = self.customer(tier)
            source = "presales" if customer.tier == "presales" else "customer"
            reported, severity = self.severity(story, override)
            if story == "new":
                severity = reported  # nobody has assessed it yet
            priority = suggested_priority(
                source=source, tier=customer.tier, severity=severity or None
            )
            reason = ""
            if override:
                priority, reason = data.OVERRIDES[customer.tier]
            rule = self.rule_for(customer.tier, priority, customer.premium)
            for _ in range(20):
                timed = self.timing(story, rule)
                if timed is None:
                    continue
                issues = (
                    data.PRESALES_ISSUES if source == "presales" else data.ISSUES[severity or "p2"]
                )
                return replace(
                    timed,
                    source=source,
                    account=customer.name,
                    tier=customer.tier,
                    issue=self.rng.randrange(len(issues)),
                    reported_severity=reported,
                    severity=severity,
                    priority=priority,
                    override_reason=reason,
                )
            # No time in the window fits this account's calendar (say, on a weekend).
            tier, override = None, False
        raise AssertionError(f"no account and time fit the story {story!r}")  # pragma: no cover

    def timing(self, story: str, rule: FirstResponseRule) -> Plan | None:
        """Return the story's instants for a ticket under `rule`, or None when these miss it."""
        now, rng = self.now, self.rng
        if story == "new":
            created = now - _minutes(rng, 3, 45)
        elif story in ("resolved", "closed", "resolved_late"):
            created = _between(rng, now - WINDOW, now - timedelta(hours=1))
        else:
            created = _between(rng, now - WINDOW, now - 5 * MINUTE)
        due = sla.due_at(rule.hours, created, rule.target)
        warn = sla.warn_at(rule.hours, created, rule.target)
        plan = Plan(story, "", None, "", 0, "", "", "", created, due_at=due)
        if story == "new":
            return plan if now < warn else None
        if story in ("queued", "claimed") and not now < warn:
            return None
        if story == "near" and not warn <= now < due:
            return None
        if story == "breached" and not (due <= now and now - due < timedelta(hours=8)):
            return None
        late = story in LATE
        if late and not due < now - 20 * MINUTE:
            return None
        triaged = created + _minutes(rng, 2, 15)
        claimed = triaged + _minutes(rng, 1, 20)
        if story == "queued" or (story in ("near", "breached") and rng.random() < 0.5):
            return self._triaged(plan, triaged) if triaged < now else None
        if story in ("claimed", "near", "breached"):
            return self._claimed(self._triaged(plan, triaged), claimed) if claimed < now else None
        # Everything below was answered: in time (before the due time), or late (after it).
        lo, hi = (due, now - 10 * MINUTE) if late else (claimed, min(due, now))
        lo = max(lo, claimed + 5 * MINUTE)
        if not lo < hi:
            return None
        # Most first replies come within the team's two hours; the rest take longer.
        quick = lo + _minutes(rng, 0, 100)
        answered = quick if quick < hi and rng.random() < 0.8 else _between(rng, lo, hi)
        plan = self._claimed(self._triaged(plan, triaged), claimed)
        plan = replace(plan, first_response_at=answered)
        if story in ("resolved", "closed", "resolved_late"):
            resolved = answered + _minutes(rng, 15, 300)
            if resolved >= now:
                return None
            plan = replace(plan, status="resolved", status_at=resolved)
            if story == "closed":
                closed = resolved + _minutes(rng, 10, 120)
                return replace(plan, status="closed", closed_at=closed) if closed < now else None
            return plan
        if story == "waiting":
            return replace(plan, status="waiting_on_customer", status_at=answered)
        return self._updated(plan, rule)

    def _triaged(self, plan: Plan, at: datetime) -> Plan:
        return replace(plan, triaged_at=at, triaged_by=self.engineer(at), status="triaged")

    def _claimed(self, plan: Plan, at: datetime) -> Plan:
        return replace(plan, claimed_at=at, assignee=self.engineer(at), status="in_progress")

    def _updated(self, plan: Plan, rule: FirstResponseRule) -> Plan | None:
        """Keep the next update on track: a public reply recent enough, when one is needed."""
        now, rng = self.now, self.rng
        last = plan.first_response_at
        if now >= sla.warn_at(rule.hours, last, rule.target):
            last = now - _minutes(rng, 5, 40)
            if last <= plan.first_response_at or now >= sla.warn_at(rule.hours, last, rule.target):
                return None
            plan = replace(plan, update_at=last)
        if plan.story in ("escalated", "escalation_accepted"):
            escalated = _between(rng, last, now - 2 * MINUTE)
            plan = replace(plan, escalated_at=escalated, status="escalated")
            if plan.story == "escalation_accepted":
                plan = replace(plan, accepted_at=_between(rng, escalated, now - MINUTE))
        return plan

    def internal(self) -> Plan:
        """Return internal work (no clocks, priority p3 by R3): filed, maybe taken, maybe done."""
        now, rng = self.now, self.rng
        created = _between(rng, now - WINDOW, now - 10 * MINUTE)
        story = rng.choices(["new", "queued", "claimed", "resolved"], weights=[2, 3, 3, 2])[0]
        plan = Plan(
            story, "internal", None, "internal", rng.randrange(len(data.INTERNAL_WORK)), "",
            "", "p3", created,
        )  # fmt: skip
        if story == "new":
            return plan
        plan = replace(self._triaged(plan, _between(rng, created, now)), severity="p2")
        if story == "queued":
            return plan
        plan = self._claimed(plan, _between(rng, plan.triaged_at, now))
        if story == "resolved":
            plan = replace(plan, status="resolved", status_at=_between(rng, plan.claimed_at, now))
        return plan


def plan_day(
    *,
    now: datetime,
    rng: random.Random,
    count: int,
    customers: Sequence[Customer],
    rule_for: RuleFor,
    working_at: WorkingAt,
    engineers: Sequence[str],
) -> list[Plan]:
    """Return `count` tickets filed over the last day or so, in the order they were filed."""
    planner = _Planner(
        now=now, rng=rng, customers=customers, rule_for=rule_for, working_at=working_at,
        engineers=engineers,
    )  # fmt: skip
    internal = round(count * data.INTERNAL_SHARE)
    plans = [planner.internal() for _ in range(internal)]
    counts = story_counts(count - internal)
    overrides = {"queued": "team", "answered": "open_source"} if count >= 20 else {}
    for story, n in counts.items():
        for index in range(n):
            tier = overrides.get(story) if index == 0 else None
            if story in ("escalated", "escalation_accepted"):
                tier = "enterprise"
            override = tier is not None and tier != "enterprise"
            plans.append(planner.plan(story, tier, override=override))
    plans = _pinned(plans, rng, now)
    return sorted(plans, key=lambda p: p.created_at)


PINNABLE = {"queued", "claimed", "near", "answered"}


def _pinned(plans: list[Plan], rng: random.Random, now: datetime) -> list[Plan]:
    """Pin one open ticket of each tier named in data.PINS, with its reason (R5)."""
    taken: set[int] = set()
    for by, tier, reason in data.PINS:
        fits = [
            i for i, p in enumerate(plans)
            if p.tier == tier and p.story in PINNABLE and not p.override_reason and i not in taken
        ]  # fmt: skip
        # A day with no such ticket in those stories (the mix follows the clock) still gets its
        # pin: any open ticket of the tier (one waiting on the customer ranks by it on return).
        fits = fits or [
            i for i, p in enumerate(plans)
            if p.tier == tier and p.status not in ("resolved", "closed") and i not in taken
        ]  # fmt: skip
        if fits:
            i = rng.choice(fits)
            taken.add(i)
            plans[i] = replace(plans[i], pin=(by, reason, _between(rng, plans[i].last_at, now)))
    return plans
