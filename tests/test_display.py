"""shared.display: one format for times, dates, durations and enumerations (issue 12, point 7).

No database: the module is pure, and the filters over it need only templates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from shared import display
from shared.templatetags import ui

NOW = datetime(2026, 12, 3, 16, 5, tzinfo=UTC)


def test_a_moment_is_a_day_month_time_and_how_long_ago():
    assert display.when(NOW - timedelta(hours=2), NOW) == "3 Dec 14:05 · 2 h ago"
    assert display.when(NOW + timedelta(minutes=100), NOW) == "3 Dec 17:45 · in 1 h 40 min"
    assert display.when(NOW - timedelta(seconds=20), NOW) == "3 Dec 16:04 · just now"
    assert display.stamp(datetime(2025, 1, 9, 8, 0, tzinfo=UTC), NOW) == "9 Jan 2025 08:00"
    assert display.stamp(datetime(2026, 1, 9, 8, 0, tzinfo=UTC)) == "9 Jan 2026 08:00"


def test_a_date_is_a_day_and_month_and_how_far():
    assert display.day(date(2026, 12, 23), NOW.date()) == "23 Dec"
    assert display.day(date(2027, 1, 2), NOW.date()) == "2 Jan 2027"
    assert display.days_away(date(2026, 12, 23), NOW.date()) == "in 20 days"
    assert display.days_away(NOW.date(), NOW.date()) == "today"
    assert display.days_away(date(2026, 12, 4), NOW.date()) == "tomorrow"
    assert display.days_away(date(2026, 12, 1), NOW.date()) == "2 days ago"


def test_minutes_are_a_duration():
    assert display.minutes(5736) == "3 d 23 h"
    assert display.minutes(100) == "1 h 40 min"
    assert display.minutes(None) == "—"


def test_enumerations_are_said_by_their_labels():
    choices = [("in_progress", "In progress"), ("new", "New")]
    assert display.label("in_progress", choices) == "In progress"
    assert display.label("backed_up", []) == "Backed up"  # no label known: words, not the value
    assert display.words("needs_context") == "needs context"
    assert display.words("escalated (drop_everything)") == "escalated (drop everything)"
    assert display.words("in_progress", dict(choices)) == "In progress"
    assert display.words("2026-12-02 10:54 UTC") == "2 Dec 2026 10:54 UTC"
    assert display.words("until 2026-12-23") == "until 23 Dec 2026"


def test_the_filters_keep_the_iso_form_only_in_the_attribute():
    html = str(ui.when(NOW - timedelta(hours=2), NOW))
    assert html.startswith('<time datetime="2026-12-03T14:05:00+00:00"')
    assert ">3 Dec 14:05 · 2 h ago</time>" in html
    assert str(ui.minutes(5736)) == "3 d 23 h"
    assert "23 Dec · in 20 days" in str(ui.day(date(2026, 12, 23), NOW.date()))


def test_timeline_changes_are_said_in_words():
    from triage.templatetags.timeline import event_change

    status = SimpleNamespace(kind="status", from_value="new", to_value="in_progress")
    assert str(event_change(status)) == "<bdi>New</bdi> → <bdi>In progress</bdi>"
    created = SimpleNamespace(kind="created", from_value="", to_value="presales · presales · p2")
    assert str(event_change(created)) == "<bdi>Pre-sales work, Pre-sales tier, priority p2</bdi>"
    escalation = SimpleNamespace(kind="escalation", from_value="needs_context", to_value="open")
    assert "needs context" in str(event_change(escalation))
