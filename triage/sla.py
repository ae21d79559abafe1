"""Business-time arithmetic for SLA due times (R6).

Pure code: every instant is passed in; results are aware UTC datetimes. Business time is the
open time of a `WeeklyHours` calendar; pauses (waiting on the customer) stop the clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, time, timedelta

from shared.hours import (
    ALWAYS_OPEN,
    Interval,
    WeeklyHours,
    WeeklySpan,
    merge_intervals,
    require_aware,
)

Pause = tuple[datetime, datetime | None]

_ZERO = timedelta(0)
# Calendars are scanned a week at a time: a typical target (hours to a few business days)
# is reached in the first window, and a long one just takes more windows.
_WINDOW = timedelta(days=7)
_MAX_WINDOWS = 52 * 20  # a calendar with spans is open within any year; this only guards bugs

__all__ = [
    "ALWAYS_OPEN",
    "ENTERPRISE_24X5",
    "TEAM_BUSINESS_DAYS",
    "add_business_time",
    "business_time_between",
    "due_at",
    "elapsed",
    "fraction_used",
    "NEAR_BREACH",
    "clock_state",
    "percentile",
    "warn_at",
]

# R6 "near-breach": a clock warns once when this share of its target has been used.
NEAR_BREACH = 0.75


def _open_from(hours: WeeklyHours, start: datetime) -> Iterator[Interval]:
    """Yield the calendar's open intervals from `start` onwards, window by window."""
    if not hours.spans:
        raise ValueError("the calendar has no open hours, so business time never passes")
    cursor = start
    for _ in range(_MAX_WINDOWS):
        yield from hours.open_intervals(cursor, cursor + _WINDOW)
        cursor += _WINDOW
    raise ValueError("the calendar has no open hours in the next 20 years")


def _without_pauses(intervals: Iterator[Interval], pauses: list[Interval]) -> Iterator[Interval]:
    """Yield `intervals` with the sorted, merged `pauses` cut out, lazily."""
    index = 0
    for s, e in intervals:
        # Pauses are sorted and disjoint and intervals come in order, so skip spent ones once.
        while index < len(pauses) and pauses[index][1] <= s:
            index += 1
        j = index
        while j < len(pauses) and pauses[j][0] < e and s < e:
            ps, pe = pauses[j]
            if ps > s:
                yield (s, ps)
            s = max(s, pe)
            j += 1
        if s < e:
            yield (s, e)


def _normalise_pauses(
    start: datetime, pauses: Sequence[Pause], open_end: datetime | None
) -> tuple[list[Interval], datetime | None]:
    """Return closed pauses as merged UTC intervals, and the earliest open pause's start."""
    closed: list[Interval] = []
    earliest_open: datetime | None = None
    for index, (ps, pe) in enumerate(pauses):
        ps = require_aware(ps, f"pause {index + 1} start").astimezone(UTC)
        if pe is None:
            earliest_open = ps if earliest_open is None else min(earliest_open, ps)
            if open_end is not None:
                closed.append((ps, open_end))
            continue
        pe = require_aware(pe, f"pause {index + 1} end").astimezone(UTC)
        if pe < ps:
            raise ValueError(f"pause {index + 1} ends before it starts")
        closed.append((max(ps, start), pe))  # only the part after the clock starts matters
    return merge_intervals(closed), earliest_open


def add_business_time(hours: WeeklyHours, start: datetime, duration: timedelta) -> datetime:
    """Return the earliest instant t >= start with exactly `duration` of open time in [start, t)."""
    start = require_aware(start, "start").astimezone(UTC)
    if duration < _ZERO:
        raise ValueError("duration must not be negative")
    if duration == _ZERO:
        return start
    return _consume(_open_from(hours, start), duration)


def _consume(intervals: Iterator[Interval], duration: timedelta) -> datetime:
    """Return the instant at which `duration` of the given intervals has been used up."""
    remaining = duration
    for s, e in intervals:
        length = e - s
        if remaining <= length:
            return s + remaining
        remaining -= length
    raise AssertionError("open-time iterators are unbounded or raise")  # pragma: no cover


def business_time_between(hours: WeeklyHours, start: datetime, end: datetime) -> timedelta:
    """Return the open time in [start, end); zero if end <= start."""
    total = _ZERO
    for s, e in hours.open_intervals(start, end):
        total += e - s
    return total


def due_at(
    hours: WeeklyHours,
    start: datetime,
    target: timedelta,
    pauses: Sequence[Pause] = (),
) -> datetime | None:
    """Return when `target` of business time has run from `start`, pauses not counting.

    An open pause (end None) means the clock is stopped with no known restart, so there is
    no due time, unless the target had already run out before that pause began: a breach
    that happened stays a breach.
    """
    start = require_aware(start, "start").astimezone(UTC)
    if target < _ZERO:
        raise ValueError("target must not be negative")
    closed, open_start = _normalise_pauses(start, pauses, open_end=None)
    if target == _ZERO:
        return start
    due = _consume(_without_pauses(_open_from(hours, start), closed), target)
    if open_start is not None and due > open_start:
        return None
    return due


def elapsed(
    hours: WeeklyHours,
    start: datetime,
    now: datetime,
    pauses: Sequence[Pause] = (),
) -> timedelta:
    """Return the business time counted from `start` to `now`, pauses excluded."""
    start = require_aware(start, "start").astimezone(UTC)
    now = require_aware(now, "now").astimezone(UTC)
    if now <= start:
        return _ZERO
    closed, _ = _normalise_pauses(start, pauses, open_end=now)  # an open pause lasts until now
    total = _ZERO
    for s, e in _without_pauses(hours.open_intervals(start, now), closed):
        total += e - s
    return total


def fraction_used(
    hours: WeeklyHours,
    start: datetime,
    now: datetime,
    target: timedelta,
    pauses: Sequence[Pause] = (),
) -> float:
    """Return the share of `target` used so far (1.0 = due now), for near-breach warnings."""
    if target <= _ZERO:
        raise ValueError("target must be positive")
    return elapsed(hours, start, now, pauses) / target


def warn_at(
    hours: WeeklyHours,
    start: datetime,
    target: timedelta,
    pauses: Sequence[Pause] = (),
) -> datetime | None:
    """Return when NEAR_BREACH of `target` has run (the near-breach warning), pauses excluded."""
    return due_at(hours, start, target * NEAR_BREACH, pauses)


def clock_state(
    now: datetime,
    due: datetime | None,
    warn: datetime | None,
    stopped_at: datetime | None = None,
) -> str:
    """Return "ok", "near" or "breached" for a clock with these stored instants at `now`.

    A stopped clock (response given) is judged at its stop; a paused clock (no due time) is
    "ok" unless it had already breached.
    """
    at = min(now, stopped_at) if stopped_at else now
    if due is not None and at >= due:
        return "breached"
    if warn is not None and at >= warn and stopped_at is None:
        return "near"
    return "ok"


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """Return the `fraction` percentile of ascending values, as PostgreSQL's percentile_cont."""
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _weekdays(start: time, end: time, days: range) -> tuple[WeeklySpan, ...]:
    """Return the same span on each of `days`."""
    return tuple(WeeklySpan(day=d, start=start, end=end) for d in days)


_MIDNIGHT = time(0)

# "24x5, from Sunday 14:00 to Friday 17:00, US Pacific time": Sunday afternoon to midnight,
# Monday to Thursday all day, Friday until 17:00. Touching spans merge into one stretch.
ENTERPRISE_24X5 = WeeklyHours(
    timezone="America/Los_Angeles",
    spans=(
        WeeklySpan(day=6, start=time(14), end=_MIDNIGHT),
        *_weekdays(_MIDNIGHT, _MIDNIGHT, range(0, 4)),
        WeeklySpan(day=4, start=_MIDNIGHT, end=time(17)),
    ),
)

# Team tier: "business days ... 08:00-17:00 Pacific", Monday to Friday.
TEAM_BUSINESS_DAYS = WeeklyHours(
    timezone="America/Los_Angeles",
    spans=_weekdays(time(8), time(17), range(0, 5)),
)
