"""How pages say times, dates, durations and enumerations: one format everywhere (issue 12).

Pure: plain values in, plain strings out, no Django. The `ui` template filters
(`shared/templatetags/ui.py`: `when`, `day`, `minutes`, `label`) wrap these for templates;
views and template tags that build text in Python call them directly. An ISO timestamp or an
enumeration's stored value (`in_progress`) never reaches a page's text: an ISO timestamp goes
only into a `<time datetime=...>` attribute, a value is shown by its label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Closer than this to now, a time is "just now" rather than "under a minute ago".
JUST_NOW = timedelta(seconds=60)


def short_duration(delta: timedelta) -> str:
    """Say a duration the way people read a queue: '2 d 3 h', '1 h 20 min', '4 min'."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min" if mins else "under a minute"


def minutes(value: float | int | None) -> str:
    """Say a number of minutes as a duration: 5736 → '3 d 23 h'."""
    if value is None:
        return "—"
    return short_duration(timedelta(minutes=float(value)))


def relative(at: datetime, now: datetime) -> str:
    """Say how far a time is from now: '2 h ago', 'in 40 min', 'just now'."""
    delta = at - now
    if abs(delta) < JUST_NOW:
        return "just now"
    if delta > timedelta(0):
        return f"in {short_duration(delta)}"
    return f"{short_duration(-delta)} ago"


def stamp(at: datetime, now: datetime | None = None) -> str:
    """Say a moment in UTC as '3 Dec 14:05' (with the year when it is not now's year)."""
    at = at.astimezone(UTC)
    year = "" if now is not None and now.astimezone(UTC).year == at.year else f" {at.year}"
    return f"{at.day} {MONTHS[at.month - 1]}{year} {at:%H:%M}"


def when(at: datetime, now: datetime) -> str:
    """Say a moment and how far it is from now: '3 Dec 14:05 · 2 h ago'."""
    return f"{stamp(at, now)} · {relative(at, now)}"


def day(value: date, today: date | None = None) -> str:
    """Say a calendar date as '23 Dec' (with the year when it is not today's year)."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    year = "" if today is not None and today.year == value.year else f" {value.year}"
    return f"{value.day} {MONTHS[value.month - 1]}{year}"


def days_away(value: date, today: date) -> str:
    """Say how far a date is from today: 'today', 'tomorrow', 'in 5 days', '2 days ago'."""
    n = (value - today).days
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if n == -1:
        return "yesterday"
    return f"in {n} days" if n > 0 else f"{-n} days ago"


def humanize(value: str) -> str:
    """Say a stored value that has no label as words: 'waiting_on_customer' → 'Waiting on
    customer'. Enumerations have labels (TextChoices); this is the last resort."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label(value: str | None, choices: Iterable[tuple[str, str]]) -> str:
    """Say an enumeration's value by its label among `choices` ((value, label) pairs)."""
    if value is None or value == "":
        return "—"
    for key, text in choices:
        if key == value:
            return str(text)
    return humanize(value)


# A stored value inside text: a word with underscores ("needs_context", "first_response").
_CODED = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


# A moment or a date written for machines ("2026-12-02 10:54 UTC", "2026-12-02T10:54:00+00:00").
_MOMENT = re.compile(
    r"\b(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]00:?00| UTC)?)?\b"
)


def _moment(match: re.Match) -> str:
    year, month, day_, hour, minute = match.groups()
    if hour is None:
        return day(date(int(year), int(month), int(day_)))
    at = datetime(int(year), int(month), int(day_), int(hour), int(minute), tzinfo=UTC)
    return f"{stamp(at)} UTC"


def words(value: str, labels: dict[str, str] | None = None) -> str:
    """Say a recorded value in words: the whole value by its label when it is one
    ('in_progress' → 'In progress'); inside other text, each stored value by its label, or
    spaced out ('escalated (drop_everything)' → 'escalated (drop everything)'), and each
    machine-written time as pages say it ('2026-12-02 10:54 UTC' → '2 Dec 2026 10:54 UTC')."""
    labels = labels or {}
    text = str(value)
    if text in labels:
        return str(labels[text])
    text = _MOMENT.sub(_moment, text)
    return _CODED.sub(lambda m: str(labels.get(m.group(0), m.group(0).replace("_", " "))), text)
