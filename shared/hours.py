"""Weekly opening hours in a time zone, shared by SLA calendars (R6) and engineers' rotas (R7).

Pure code: every instant is passed in, all datetimes are timezone-aware, results are in UTC.

Local wall-clock times become instants by one rule: a wall time means the *earliest instant at
which the local clock reads at least that time*. So an ambiguous time (the repeated hour when
clocks go back) is its first occurrence (`fold=0`), and a time that does not exist (the hour
skipped when clocks go forward) is the instant the clocks jump, i.e. it resolves forward to the
end of the gap. A span 01:00-03:00 is therefore 1 h of real time on a spring-forward night and
3 h on a fall-back night, and a span that starts inside the gap opens when the gap ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[datetime, datetime]

_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)
_CACHE_LIMIT = (
    4096  # local dates remembered per calendar; bounded so a long-lived process stays small
)


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return `value` unchanged, or raise ValueError if it is naive."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


@dataclass(frozen=True)
class WeeklySpan:
    """One stretch of open time in a week, in local wall-clock time."""

    day: int  # 0 = Monday .. 6 = Sunday: the local day the span starts on
    start: time  # local wall-clock
    end: time  # end < start crosses midnight; end == start means a full wall-clock day

    def __post_init__(self) -> None:
        if isinstance(self.day, bool) or not isinstance(self.day, int) or not 0 <= self.day <= 6:
            raise ValueError(f"day must be an integer 0 (Monday) to 6 (Sunday), got {self.day!r}")
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(f"{name} must be a naive local time, got {value!r}")


@dataclass(frozen=True)
class WeeklyHours:
    """A weekly timetable of open spans in one IANA time zone, minus closed local dates."""

    timezone: str
    spans: tuple[WeeklySpan, ...]
    closed_dates: frozenset[date] = frozenset()
    # Derived state, excluded from equality and hashing so two equal calendars stay equal.
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _by_day: dict[int, tuple[WeeklySpan, ...]] = field(init=False, repr=False, compare=False)
    _cache: dict[date, tuple[Interval, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        spans = tuple(self.spans)
        if not all(isinstance(span, WeeklySpan) for span in spans):
            raise ValueError("spans must be WeeklySpan values")
        # The dataclass is frozen for callers; normalising here is the one sanctioned write.
        object.__setattr__(self, "spans", spans)
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))
        object.__setattr__(self, "_zone", zone)
        by_day = {day: tuple(s for s in spans if s.day == day) for day in range(7)}
        object.__setattr__(self, "_by_day", by_day)
        object.__setattr__(self, "_cache", {})

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """Yield merged, ordered UTC intervals of open time clipped to [start, end)."""
        start = require_aware(start, "start").astimezone(UTC)
        end = require_aware(end, "end").astimezone(UTC)
        if end <= start or not self.spans:
            return
        # A span lasts at most one wall-clock day, so only the previous local day reaches in.
        day = start.astimezone(self._zone).date() - _DAY
        last = end.astimezone(self._zone).date()
        current: Interval | None = None
        while day <= last:
            for s, e in self._day_intervals(day):
                if e <= start:
                    continue
                if s >= end:
                    break
                s, e = max(s, start), min(e, end)
                if current is None:
                    current = (s, e)
                elif s <= current[1]:  # touching or overlapping: one stretch of open time
                    current = (current[0], max(current[1], e))
                else:
                    yield current
                    current = (s, e)
            day += _DAY
        if current is not None:
            yield current

    def is_open(self, at: datetime) -> bool:
        """Return whether the calendar is open at the instant `at`."""
        return next(self.open_intervals(at, at + _TICK), None) is not None

    def next_change(
        self, after: datetime, horizon: timedelta = timedelta(days=15)
    ) -> datetime | None:
        """Return the next opening or closing instant strictly after `after`, within `horizon`."""
        require_aware(after, "after")
        # One tick past the horizon so a change exactly at the horizon is not mistaken for the
        # clipping edge: any interval end below `limit` is a real closing.
        limit = after + horizon + _TICK
        for s, e in self.open_intervals(after, limit):
            if s > after:
                return s
            if e < limit:
                return e
        return None

    def _day_intervals(self, day: date) -> tuple[Interval, ...]:
        """Return the UTC intervals of the spans starting on local `day`, minus closed dates."""
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        zone = self._zone
        pieces: list[Interval] = []
        for span in self._by_day[day.weekday()]:
            s = local_to_utc(datetime.combine(day, span.start), zone)
            end_day = day if span.end > span.start else day + _DAY
            e = local_to_utc(datetime.combine(end_day, span.end), zone)
            if s < e:  # a span wholly inside a spring-forward gap has no real time
                pieces.append((s, e))
        for closed in (day, day + _DAY):  # a span can run into the next day, never further
            if closed in self.closed_dates:
                lo = local_to_utc(datetime.combine(closed, time()), zone)
                hi = local_to_utc(datetime.combine(closed + _DAY, time()), zone)
                pieces = subtract_intervals(pieces, [(lo, hi)])
        result = tuple(sorted(pieces))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[day] = result
        return result


def local_to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    """Return the earliest UTC instant at which the local clock in `zone` reads `naive` or later."""
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first  # exists; for an ambiguous time fold=0 is the earlier instant
    # In a gap fold=1 uses the offset after the jump and lands before it, fold=0 lands after
    # it; bisect on whole seconds (tz transitions are on whole seconds) for the jump itself.
    lo = int(naive.replace(tzinfo=zone, fold=1).timestamp())
    hi = int(first.timestamp())
    after = first.astimezone(zone).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Return the intervals sorted and merged, touching ones joined, empty ones dropped."""
    merged: list[Interval] = []
    for s, e in sorted(i for i in intervals if i[0] < i[1]):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def subtract_intervals(
    intervals: Iterable[Interval], removed: Iterable[Interval]
) -> list[Interval]:
    """Return `intervals` (sorted, disjoint) with every interval in `removed` cut out."""
    cuts = merge_intervals(removed)
    result: list[Interval] = []
    for s, e in intervals:
        for cs, ce in cuts:
            if ce <= s or cs >= e:
                continue
            if cs > s:
                result.append((s, cs))
            s = max(s, ce)
            if s >= e:
                break
        if s < e:
            result.append((s, e))
    return result


def _parse_time(value: object, where: str) -> time:
    """Return the time in an "HH:MM" string, or raise ValueError naming `where`."""
    text = value if isinstance(value, str) else None
    parts = text.split(":") if text else []
    if (
        len(parts) != 2
        or not all(len(p) == 2 and p.isascii() and p.isdigit() for p in parts)
        or int(parts[0]) > 23
        or int(parts[1]) > 59
    ):
        raise ValueError(f"{where} must be a time as HH:MM (00:00 to 23:59), got {value!r}")
    return time(int(parts[0]), int(parts[1]))


def parse_spans(rows: Iterable[Mapping[str, object]]) -> tuple[WeeklySpan, ...]:
    """Parse REST rows like {"day": 0, "start": "09:00", "end": "17:30"} into spans."""
    spans: list[WeeklySpan] = []
    for index, row in enumerate(rows):
        where = f"row {index + 1}"
        if not isinstance(row, Mapping):
            raise ValueError(f"{where} must be an object with day, start and end")
        missing = [key for key in ("day", "start", "end") if key not in row]
        if missing:
            raise ValueError(f"{where} is missing {', '.join(missing)}")
        day = row["day"]
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValueError(
                f"{where}: day must be an integer 0 (Monday) to 6 (Sunday), got {day!r}"
            )
        start = _parse_time(row["start"], f"{where}: start")
        end = _parse_time(row["end"], f"{where}: end")
        spans.append(WeeklySpan(day=day, start=start, end=end))
    return tuple(spans)


def spans_to_rows(spans: Iterable[WeeklySpan]) -> list[dict[str, object]]:
    """Serialise spans to REST rows, the inverse of `parse_spans`."""
    return [
        {"day": s.day, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M")}
        for s in spans
    ]


ALWAYS_OPEN = WeeklyHours(
    timezone="UTC",
    spans=tuple(WeeklySpan(day=d, start=time(0), end=time(0)) for d in range(7)),
)
