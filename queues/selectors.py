"""Reads of the ranked queue. The API and the pages share these; tests pin their query counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from queues import rota
from queues.load import DEFAULT_RULES, LevelRule, LoadResult, capacity_level
from queues.models import (
    Absence,
    LevelThreshold,
    LoadEpisode,
    LoadState,
    Notice,
    NoticeSwitch,
    StaffProfile,
)
from queues.rota import Engineer
from shared import roles
from shared.precompiled import Precompiled
from triage.models import OPEN, Source, Status, Ticket


def open_queue() -> QuerySet[Ticket]:
    """Return open work in rank order (R4): the partial index `ticket_open_rank` serves it."""
    return (
        Ticket.objects.filter(OPEN)
        .select_related("account", "assignee", "pinned_by")
        .order_by("rank_key", "id")
    )


def unclaimed_queue() -> QuerySet[Ticket]:
    """Return open work nobody has claimed, in rank order (index `ticket_unclaimed_rank`)."""
    return open_queue().filter(assignee__isnull=True)


def number_one_candidates() -> QuerySet[Ticket]:
    """Return unclaimed open work in rank order, without joins (the number one's query).

    An unclaimed ticket has no assignee, the API shows the account by id, and a pin's author
    is read only for pinned tickets: this is the hottest query of the app.
    """
    return Ticket.objects.filter(OPEN, assignee__isnull=True).order_by("rank_key", "id")


def _ahead_of(rank_key, pk) -> Q:
    """Tickets that rank above (rank_key, pk): values, or OuterRefs in a subquery. The leading
    `rank_key <= …` is logically redundant: it bounds PostgreSQL's scan of a rank index."""
    return Q(rank_key__lte=rank_key) & (Q(rank_key__lt=rank_key) | Q(id__lt=pk))


def _count(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """One row, one column: how many tickets (COUNT without GROUP BY, usable as a subquery)."""
    return tickets.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")


def _number_one_and_claimed_ahead() -> QuerySet[Ticket]:
    # Every open ticket that ranks above the number one is claimed (else it would be the number
    # one), so its place is 1 + the claimed open tickets above it: a scan of the small
    # `ticket_claimed_rank` index, which PostgreSQL prefers even with a correlated bound.
    claimed_ahead = _count(
        Ticket.objects.filter(OPEN, assignee__isnull=False).filter(
            _ahead_of(OuterRef("rank_key"), OuterRef("pk"))
        )
    )
    return number_one_candidates().annotate(
        claimed_ahead=Subquery(claimed_ahead, output_field=IntegerField())
    )[:1]


# GET /queue/next/ is the hottest read: one statement, compiled once (shared.precompiled).
_NUMBER_ONE = Precompiled(_number_one_and_claimed_ahead)
_AHEAD = Precompiled(
    lambda rank_key, pk: _count(Ticket.objects.filter(OPEN).filter(_ahead_of(rank_key, pk))),
    rank_key=str,
    pk=int,
)


def queue_number_one() -> Ticket | None:
    """Return the number one unclaimed ticket, or None when there is none.

    Its place in the open queue is on it as `position`: claimed work can rank above it.
    """
    rows = _NUMBER_ONE.rows()
    if not rows:
        return None
    ticket = rows[0]
    ticket.position = ticket.claimed_ahead + 1
    return ticket


def position_of(ticket: Ticket) -> int | None:
    """Return the ticket's 1-based place in the open queue, or None once it is closed."""
    if not ticket.is_open:
        return None
    return _AHEAD.value(rank_key=ticket.rank_key, pk=ticket.pk) + 1


def positions_of(tickets: Sequence[Ticket]) -> dict[int, int]:
    """Return open tickets' places in the open queue, in one query whatever their number.

    One pass over the open tickets ranked above the last of them puts each in a bucket: the
    first of the given tickets it ranks above. A CASE stops at its first true branch, so a
    deep page costs about one comparison per ticket ahead, not one per ticket per row.
    """
    ordered = sorted((t for t in tickets if t.is_open), key=lambda t: (t.rank_key, t.pk))
    if not ordered:
        return {}
    last = ordered[-1]
    bucket = Case(
        *[When(_ahead_of(t.rank_key, t.pk), then=Value(i)) for i, t in enumerate(ordered)],
        output_field=IntegerField(),
    )
    counts = dict(
        Ticket.objects.filter(OPEN)
        .filter(_ahead_of(last.rank_key, last.pk))
        .order_by()
        .annotate(bucket=bucket)
        .values_list("bucket")
        .annotate(n=Count("id"))
    )
    positions, ahead = {}, 0
    for i, ticket in enumerate(ordered):
        ahead += counts.get(i, 0)
        positions[ticket.pk] = ahead + 1
    return positions


# --- Staffing, load and notices (R7) ------------------------------------------------------


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


WAITING_SOURCES = (Source.CUSTOMER, Source.PRESALES)
UNANSWERED = OPEN & Q(source__in=WAITING_SOURCES, first_response_at__isnull=True)


def support_staff(*, absences_after: datetime | None = None) -> list[StaffRow]:
    """Return every support engineer with their profile (default if none) and absences.

    Absences are the ones not cancelled that end after `absences_after` (all when None).
    Two queries, whatever the number of engineers.
    """
    absences = Absence.objects.filter(cancelled_at__isnull=True).order_by("start", "id")
    if absences_after is not None:
        absences = absences.filter(end__gt=absences_after)
    users = (
        User.objects.filter(groups__name=roles.SUPPORT, is_active=True)
        .select_related("staff_profile")
        .prefetch_related(Prefetch("absences", queryset=absences, to_attr="open_absences"))
        .order_by("username")
        .distinct()
    )
    rows = []
    for user in users:
        try:
            profile = user.staff_profile
        except StaffProfile.DoesNotExist:
            profile = StaffProfile(user=user)  # unsaved default: UTC, other region, no hours
        rows.append(StaffRow(user=user, profile=profile, absences=tuple(user.open_absences)))
    return rows


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
    staff = support_staff(absences_after=at - timedelta(days=1))
    engineers = [row.engineer for row in staff]
    rules = level_rules()
    counts = Ticket.objects.filter(OPEN).aggregate(
        active=Count("id", filter=~Q(status=Status.WAITING_ON_CUSTOMER)),
        unanswered=Count("id", filter=UNANSWERED),
        oldest=Min("created_at", filter=UNANSWERED & ~Q(status=Status.WAITING_ON_CUSTOMER)),
    )
    planned: dict[str, int] = {}
    working: dict[str, int] = {}
    for engineer in engineers:
        if rota.is_planned(engineer, at):
            planned[engineer.region] = planned.get(engineer.region, 0) + 1
            if rota.is_working(engineer, at):
                working[engineer.region] = working.get(engineer.region, 0) + 1
    oldest = counts["oldest"]
    wait = max(at - oldest, timedelta(0)) if oldest else None
    goal = timedelta(minutes=settings.TEAM_FIRST_REPLY_GOAL_MINUTES)
    result = capacity_level(
        rules=rules,
        planned=planned,
        working=working,
        active_cases=counts["active"],
        oldest_wait=wait,
        goal=goal,
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
        next_arrival_at=rota.next_arrival(engineers, at),
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


def notice_switch_history(limit: int = 20) -> QuerySet[NoticeSwitch]:
    return NoticeSwitch.objects.select_related("by")[:limit]


def ticket_notices(ticket_id: int) -> QuerySet[Notice]:
    """Return the proactive notices of one ticket, oldest first (for timeline and CE views)."""
    return Notice.objects.filter(ticket_id=ticket_id).select_related("episode").order_by("id")


def presales_notices_for(user: User) -> QuerySet[Notice]:
    """Return notices on the pre-sales tickets a customer engineer filed, newest first."""
    return (
        Notice.objects.filter(ticket__source=Source.PRESALES, ticket__created_by=user)
        .select_related("ticket", "ticket__account", "episode")
        .order_by("-created_at", "-id")
    )


def load_banner(*, now: datetime | None = None) -> dict:
    """Return the queue page's load banner context: level, contingency, next arrival."""
    health = queue_health(at=now)
    return {"load": health, "load_paused": notices_paused()}
