"""Who is working, who is on duty, and when the next people arrive (R7).

Pure code: engineers are plain values, every instant is passed in. *Planned* means the
engineer's weekly hours cover the instant; *working* means planned and not absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.hours import WeeklyHours, merge_intervals, require_aware, subtract_intervals

REGIONS = ("emea", "americas", "other")
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Engineer:
    """An engineer's planned weekly hours, absences and on-duty shifts."""

    username: str
    region: str  # "emea" | "americas" | "other"
    hours: WeeklyHours  # planned weekly working hours in the engineer's own time zone
    absences: tuple[tuple[datetime, datetime], ...] = ()  # out of office, [start, end)
    duty: WeeklyHours | None = None  # on-duty shifts, a subset of working time

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise ValueError(f"region must be one of {', '.join(REGIONS)}, got {self.region!r}")
        absences = tuple((s, e) for s, e in self.absences)
        for index, (s, e) in enumerate(absences):
            require_aware(s, f"absence {index + 1} start")
            require_aware(e, f"absence {index + 1} end")
            if e <= s:
                raise ValueError(f"absence {index + 1} of {self.username} must end after it starts")
        # Frozen for callers; storing a tuple keeps the value hashable even if given a list.
        object.__setattr__(self, "absences", absences)

    def is_absent(self, at: datetime) -> bool:
        """Return whether `at` falls in one of the absences."""
        return any(s <= at < e for s, e in self.absences)


def is_planned(engineer: Engineer, at: datetime) -> bool:
    """Return whether the engineer's weekly hours cover `at`, absences ignored."""
    return engineer.hours.is_open(at)


def is_working(engineer: Engineer, at: datetime) -> bool:
    """Return whether the engineer is planned at `at` and not absent."""
    require_aware(at, "at")
    return not engineer.is_absent(at) and is_planned(engineer, at)


def is_on_duty(engineer: Engineer, at: datetime) -> bool:
    """Return whether the engineer is working and inside an on-duty shift at `at`."""
    return engineer.duty is not None and engineer.duty.is_open(at) and is_working(engineer, at)


def planned_at(engineers: Iterable[Engineer], at: datetime) -> list[Engineer]:
    """Return the engineers planned at `at`, in the given order."""
    return [e for e in engineers if is_planned(e, at)]


def working_at(engineers: Iterable[Engineer], at: datetime) -> list[Engineer]:
    """Return the engineers working at `at`, in the given order."""
    return [e for e in engineers if is_working(e, at)]


def on_duty_at(engineers: Iterable[Engineer], at: datetime) -> list[Engineer]:
    """Return the engineers on duty at `at`, in the given order."""
    return [e for e in engineers if is_on_duty(e, at)]


def working_intervals(
    engineer: Engineer, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Return the engineer's working time in [start, end) as merged, ordered UTC intervals."""
    planned = list(engineer.hours.open_intervals(start, end))
    absences = [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in engineer.absences]
    return subtract_intervals(planned, merge_intervals(absences))


def arrivals(
    engineers: Sequence[Engineer], after: datetime, until: datetime
) -> list[tuple[datetime, Engineer]]:
    """Return (instant, engineer) for each start of work in (after, until], ordered by time.

    A start of work is an instant at which the engineer works but did not just before it:
    a shift starting, or an absence ending inside planned hours. Ties go by username so the
    same rota always reads the same.
    """
    after = require_aware(after, "after").astimezone(UTC)
    until = require_aware(until, "until").astimezone(UTC)
    found: list[tuple[datetime, Engineer]] = []
    for engineer in engineers:
        # One tick past `until` so a start exactly at `until` is inside the window; intervals
        # are merged, so every start later than `after` is a real arrival, not a clip.
        for s, _ in working_intervals(engineer, after, until + _TICK):
            if s > after:
                found.append((s, engineer))
    found.sort(key=lambda item: (item[0], item[1].username))
    return found


def next_arrival(
    engineers: Sequence[Engineer],
    after: datetime,
    horizon: timedelta = timedelta(days=14),
) -> datetime | None:
    """Return the first instant in (after, after + horizon] at which someone starts working."""
    require_aware(after, "after")
    soonest: datetime | None = None
    for engineer in engineers:
        limit = after + horizon if soonest is None else soonest  # nobody later can win
        for s, _ in working_intervals(engineer, after, limit + _TICK):
            if s > after:
                soonest = s if soonest is None else min(soonest, s)
                break
    return soonest
