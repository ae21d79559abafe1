"""Reads for staffing, load and proactive notices (R7); tests pin their query counts.

The ranked queue's reads live in `triage.selectors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db.models import Count, Min, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from queues import notices, rota
from queues.load import DEFAULT_RULES, LevelRule, LoadResult, capacity_level
from queues.models import (
    Absence,
    LevelThreshold,
    LoadEpisode,
    LoadEvaluation,
    LoadState,
    Notice,
    NoticeSwitch,
    StaffProfile,
)
from queues.rota import Engineer
from shared import roles
from shared.precompiled import Precompiled
from triage.models import OPEN, Source, Status, Ticket
from triage.selectors import team_goal


@dataclass(frozen=True)
class StaffRow:
    """A support engineer as the rota and the API show them."""

    user: User
    profile: StaffProfile
    absences: tuple[Absence, ...]

    @property
    def engineer(self) -> Engineer:
        return self.profile.engineer(list(self.absences))


@dataclass(frozen=True)
class QueueHealth:
    """The load state at an instant, with what it is computed from."""

    at: datetime
    result: LoadResult
    rule: LevelRule
    open_unanswered: int
    active_cases: int
    planned: int
    on_shift: int
    oldest_wait_minutes: int | None
    next_arrival_at: datetime | None

    @property
    def state(self) -> str:
        return self.result.state

    @property
    def level(self) -> int:
        return self.result.level

    @property
    def state_label(self) -> str:
        return LoadState(self.result.state).label

    @property
    def active_per_engineer(self) -> float | None:
        return None if self.result.load is None else round(self.result.load, 2)


# The load figures' "open unanswered" work (R7): customer and pre-sales work still without its
# first substantive reply.
UNANSWERED = OPEN & Q(source__in=notices.WAITING_SOURCES, first_response_at__isnull=True)
# R7's "waits on us" (queues.notices.waits_for_notice) as a filter: who gets a notice.
WAITS_ON_US = OPEN & Q(source__in=notices.WAITING_SOURCES) & ~Q(status=Status.WAITING_ON_CUSTOMER)


def support_staff(*, absences_after: datetime | None = None) -> list[StaffRow]:
    """Return every support engineer with their profile (default if none) and absences.

    Absences are the ones not cancelled that end after `absences_after` (all when None).
    Two queries, whatever the number of engineers.
    """
    absences = Absence.objects.filter(cancelled_at__isnull=True).order_by("start", "id")
    if absences_after is not None:
        absences = absences.filter(end__gt=absences_after)
    users = (
        roles.support_users()
        .select_related("staff_profile")
        .prefetch_related(Prefetch("absences", queryset=absences, to_attr="open_absences"))
        .order_by("username")
    )
    rows = []
    for user in users:
        try:
            profile = user.staff_profile
        except StaffProfile.DoesNotExist:
            profile = StaffProfile(user=user)  # unsaved default: UTC, other region, no hours
        rows.append(StaffRow(user=user, profile=profile, absences=tuple(user.open_absences)))
    return rows


@dataclass(frozen=True)
class Staffing:
    """The support engineers around an instant: their rows, the rota's values, the next arrival."""

    at: datetime
    staff: list[StaffRow]
    engineers: list[Engineer]
    next_arrival_at: datetime | None


def staffing_at(at: datetime) -> Staffing:
    """Return who is on the rota around `at` and when the next engineer arrives (R7).

    Absences that ended before the previous day cannot affect `at` or later: they are skipped.
    """
    staff = support_staff(absences_after=at - timedelta(days=1))
    engineers = [row.engineer for row in staff]
    return Staffing(
        at=at, staff=staff, engineers=engineers, next_arrival_at=rota.next_arrival(engineers, at)
    )


def staff_member(username: str) -> StaffRow | None:
    """Return one support engineer's row, or None when no active support engineer has the name."""
    for row in support_staff():
        if row.user.username == username:
            return row
    return None


def level_rules() -> tuple[LevelRule, ...]:
    """Return the capacity-level table from its editable rows (the shipped defaults if empty)."""
    rules = tuple(t.rule() for t in LevelThreshold.objects.order_by("level"))
    return rules or DEFAULT_RULES


def queue_health(*, at: datetime | None = None) -> QueueHealth:
    """Return the load state with the rota evaluated at `at` (now by default). Four queries."""
    at = at or timezone.now()
    staffing = staffing_at(at)
    rules = level_rules()
    counts = Ticket.objects.filter(OPEN).aggregate(
        active=Count("id", filter=~Q(status=Status.WAITING_ON_CUSTOMER)),
        unanswered=Count("id", filter=UNANSWERED),
        oldest=Min("created_at", filter=UNANSWERED & ~Q(status=Status.WAITING_ON_CUSTOMER)),
    )
    planned: dict[str, int] = {}
    working: dict[str, int] = {}
    for engineer in staffing.engineers:
        if rota.is_planned(engineer, at):
            planned[engineer.region] = planned.get(engineer.region, 0) + 1
            if rota.is_working(engineer, at):
                working[engineer.region] = working.get(engineer.region, 0) + 1
    oldest = counts["oldest"]
    wait = max(at - oldest, timedelta(0)) if oldest else None
    result = capacity_level(
        rules=rules,
        planned=planned,
        working=working,
        active_cases=counts["active"],
        oldest_wait=wait,
        goal=team_goal(),
    )
    rule = next((r for r in rules if r.level == result.level), rules[-1])
    return QueueHealth(
        at=at,
        result=result,
        rule=rule,
        open_unanswered=counts["unanswered"],
        active_cases=counts["active"],
        planned=sum(planned.values()),
        on_shift=sum(working.values()),
        oldest_wait_minutes=int(wait.total_seconds() // 60) if wait is not None else None,
        next_arrival_at=staffing.next_arrival_at,
    )


def rota_days(
    staff: Sequence[StaffRow], *, today: date, days: int = 8
) -> list[tuple[StaffRow, list[dict]]]:
    """Return, per engineer, each day's working intervals in UTC from `today` for `days` days."""
    start = datetime.combine(today, time(), tzinfo=UTC)
    table = []
    for row in staff:
        engineer = row.engineer
        cells = []
        for offset in range(days):
            lo = start + timedelta(days=offset)
            hi = lo + timedelta(days=1)
            planned = list(engineer.hours.open_intervals(lo, hi))
            working = rota.working_intervals(engineer, lo, hi)
            absent = [(s, e) for s, e in row.engineer.absences if s < hi and e > lo]
            cells.append(
                {"day": lo.date(), "working": working, "planned": planned, "absent": absent}
            )
        table.append((row, cells))
    return table


def current_episode() -> LoadEpisode | None:
    """Return the open load episode, if the evaluation has run."""
    return LoadEpisode.objects.filter(is_open=True).first()


def notices_paused() -> NoticeSwitch | None:
    """Return the latest switch change if notices are paused, else None."""
    latest = NoticeSwitch.objects.select_related("by").first()
    return latest if latest and latest.paused else None


def notices_open(episode: LoadEpisode | None) -> bool:
    """Return whether proactive notices go out in this episode (R7): backed up, not paused."""
    if episode is None or episode.state != LoadState.BACKED_UP:
        return False
    return notices.notices_allowed(backed_up=True, paused=notices_paused() is not None)


def notice_switch_history(limit: int = 20) -> QuerySet[NoticeSwitch]:
    return NoticeSwitch.objects.select_related("by")[:limit]


def ticket_notices(ticket_id: int) -> QuerySet[Notice]:
    """Return the proactive notices of one ticket, oldest first (for timeline and CE views)."""
    return Notice.objects.filter(ticket_id=ticket_id).select_related("episode").order_by("id")


def presales_notices_for(user: User) -> QuerySet[Notice]:
    """Return notices on the pre-sales tickets a customer engineer requested, newest first."""
    return (
        Notice.objects.filter(ticket__source=Source.PRESALES, ticket__requester=user)
        .select_related("ticket", "ticket__account", "episode")
        .order_by("-created_at", "-id")
    )


# The banner says so when its evaluation is older than this: the beat runs it every minute.
LOAD_STALE_AFTER = timedelta(minutes=5)


def _banner_read() -> QuerySet[LoadEvaluation]:
    latest = NoticeSwitch.objects.order_by("-at", "-id")
    return LoadEvaluation.objects.filter(pk=1).annotate(
        switch_paused=Subquery(latest.values("paused")[:1]),
        switch_reason=Subquery(latest.values("reason")[:1]),
        switch_by=Subquery(latest.values("by__username")[:1]),
    )


# Every full render of the queue page reads the banner: compiled once (shared.precompiled).
_BANNER = Precompiled(_banner_read)


def load_banner(*, now: datetime | None = None) -> dict:
    """Return the queue page's load banner context: the last stored evaluation (None before the
    first one), its age, and the notice switch if paused. One small read, whatever the queue's
    size (two before the first evaluation)."""
    now = now or timezone.now()
    rows = _BANNER.rows()
    evaluation = rows[0] if rows else None
    if evaluation is None:
        switch = notices_paused()
        paused = {"reason": switch.reason, "by": switch.by.username} if switch else None
    elif evaluation.switch_paused:
        paused = {"reason": evaluation.switch_reason, "by": evaluation.switch_by}
    else:
        paused = None
    return {
        "load": evaluation,
        "load_paused": paused,
        "now": now,
        "stale": evaluation is not None and now - evaluation.evaluated_at > LOAD_STALE_AFTER,
    }
