"""The pure pre-sales rules: key dates and when an engineer is reminded to leave a channel."""

from datetime import UTC, date, datetime, timedelta

from presales import rules
from presales.rules import ParsedKeyDate

TODAY = date(2026, 12, 10)


def test_key_dates_text_lines_with_a_date_become_key_dates():
    found, leftover = rules.parse_key_dates(
        "2026-12-15 decision\nsecurity review: 2026-12-12\nend of quarter sometime\n\n"
    )
    assert found == [
        ParsedKeyDate(date(2026, 12, 15), "decision"),
        ParsedKeyDate(date(2026, 12, 12), "security review"),
    ]
    assert leftover == "end of quarter sometime"


def test_key_dates_text_with_an_impossible_date_is_kept_as_text():
    found, leftover = rules.parse_key_dates("2026-02-30 go live")
    assert found == [] and leftover == "2026-02-30 go live"


def test_nearest_key_date_is_the_next_one_then_the_latest_past():
    dates = [ParsedKeyDate(date(2026, 12, 20), "b"), ParsedKeyDate(date(2026, 12, 12), "a")]
    assert rules.nearest_key_date(dates, TODAY).label == "a"
    past = [ParsedKeyDate(date(2026, 11, 1), "x"), ParsedKeyDate(date(2026, 12, 1), "y")]
    assert rules.nearest_key_date(past, TODAY).label == "y"
    assert rules.nearest_key_date([], TODAY) is None


def test_key_date_within_two_days_is_close():
    assert rules.key_date_is_close(TODAY, TODAY)
    assert rules.key_date_is_close(TODAY + timedelta(days=2), TODAY)
    assert not rules.key_date_is_close(TODAY + timedelta(days=3), TODAY)
    assert not rules.key_date_is_close(TODAY - timedelta(days=1), TODAY)


def test_channel_reminder_is_due_after_the_hours_or_once_the_ticket_is_resolved():
    joined = datetime(2026, 12, 10, 9, tzinfo=UTC)
    due = rules.channel_reminder_due
    assert not due(joined_at=joined, ticket_open=True, now=joined + timedelta(hours=23), hours=24)
    assert due(joined_at=joined, ticket_open=True, now=joined + timedelta(hours=24), hours=24)
    assert due(joined_at=joined, ticket_open=False, now=joined + timedelta(minutes=5), hours=24)


def test_presales_severity_criteria_use_the_policy_words():
    assert rules.PRESALES_SEVERITY_CRITERIA == {
        "p0": "Failed deployment or total loss of service",
        "p1": "Core features are unavailable or the service as a whole is slow",
        "p2": "Non-blocking technical asks or problems",
    }
