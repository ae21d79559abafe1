"""Business-time arithmetic for SLA due times (R6)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.hours import ALWAYS_OPEN, WeeklyHours, WeeklySpan
from triage.sla import (
    ENTERPRISE_24X5,
    TEAM_BUSINESS_DAYS,
    add_business_time,
    business_time_between,
    due_at,
    elapsed,
    fraction_used,
)

LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)

# Berlin night shift crossing the 02:00 change, plus a holiday, to exercise the odd cases.
BERLIN_NIGHTS = WeeklyHours(
    "Europe/Berlin",
    tuple(WeeklySpan(d, time(22), time(6)) for d in range(7)),
    closed_dates=frozenset({date(2026, 4, 3)}),
)


# --- shipped calendars -------------------------------------------------------------------


def test_enterprise_24x5_runs_sunday_14_to_friday_17_pacific_as_one_stretch():
    week = datetime(2026, 5, 3, tzinfo=LA), datetime(2026, 5, 10, tzinfo=LA)
    assert list(ENTERPRISE_24X5.open_intervals(*week)) == [
        (datetime(2026, 5, 3, 14, tzinfo=LA), datetime(2026, 5, 8, 17, tzinfo=LA))
    ]
    assert business_time_between(ENTERPRISE_24X5, *week) == 4 * 24 * H + 17 * H + 10 * H


def test_team_business_days_are_weekdays_8_to_17_pacific():
    week = datetime(2026, 5, 4, tzinfo=LA), datetime(2026, 5, 11, tzinfo=LA)
    assert business_time_between(TEAM_BUSINESS_DAYS, *week) == 5 * 9 * H
    assert not TEAM_BUSINESS_DAYS.is_open(datetime(2026, 5, 9, 12, tzinfo=LA))


# --- add_business_time -------------------------------------------------------------------


def test_due_time_skips_weekend_for_24x5():
    # p0 2 business hours raised Friday 16:00 PT: 1 h on Friday, 1 h from Sunday 14:00.
    start = datetime(2026, 5, 8, 16, tzinfo=LA)
    assert add_business_time(ENTERPRISE_24X5, start, 2 * H) == datetime(2026, 5, 10, 15, tzinfo=LA)


def test_two_business_days_for_24x5_from_thursday_noon():
    start = datetime(2026, 5, 7, 12, tzinfo=LA)
    # 29 h to Friday 17:00, the other 19 h from Sunday 14:00.
    assert add_business_time(ENTERPRISE_24X5, start, 48 * H) == datetime(2026, 5, 11, 9, tzinfo=LA)


def test_due_time_for_team_skips_the_weekend():
    start = datetime(2026, 5, 8, 16, tzinfo=LA)
    assert add_business_time(TEAM_BUSINESS_DAYS, start, 9 * H) == datetime(
        2026, 5, 11, 16, tzinfo=LA
    )


def test_ticket_raised_while_closed_starts_counting_at_opening():
    start = datetime(2026, 5, 9, 3, tzinfo=LA)  # Saturday
    assert add_business_time(TEAM_BUSINESS_DAYS, start, 30 * timedelta(minutes=1)) == datetime(
        2026, 5, 11, 8, 30, tzinfo=LA
    )


def test_due_time_landing_on_closing_is_the_closing_instant():
    start = datetime(2026, 5, 4, 8, tzinfo=LA)
    assert add_business_time(TEAM_BUSINESS_DAYS, start, 9 * H) == datetime(
        2026, 5, 4, 17, tzinfo=LA
    )


def test_zero_duration_is_the_start_itself_even_when_closed():
    start = datetime(2026, 5, 9, 3, tzinfo=UTC)
    assert add_business_time(TEAM_BUSINESS_DAYS, start, timedelta()) == start


def test_negative_duration_and_naive_start_are_rejected():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(ALWAYS_OPEN, datetime(2026, 5, 4, tzinfo=UTC), -H)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(ALWAYS_OPEN, datetime(2026, 5, 4), H)  # noqa: DTZ001


def test_calendar_without_spans_cannot_reach_a_due_time():
    with pytest.raises(ValueError, match="no open hours"):
        add_business_time(WeeklyHours("UTC", ()), datetime(2026, 5, 4, tzinfo=UTC), H)


def test_long_targets_span_many_weeks():
    start = datetime(2026, 5, 4, 8, tzinfo=LA)
    # 20 weeks of team hours, crossing nothing but weekends (no DST change May-September).
    due = add_business_time(TEAM_BUSINESS_DAYS, start, 20 * 45 * H)
    assert due == datetime(2026, 9, 18, 17, tzinfo=LA)


# --- DST ---------------------------------------------------------------------------------


def test_24x5_weekend_gap_keeps_wall_clock_across_spring_forward():
    # The weekend of 2026-03-08: Sunday 14:00 PDT is 21:00 UTC, not 22:00 UTC as a week before.
    before = add_business_time(ENTERPRISE_24X5, datetime(2026, 2, 27, 16, tzinfo=LA), 2 * H)
    after = add_business_time(ENTERPRISE_24X5, datetime(2026, 3, 6, 16, tzinfo=LA), 2 * H)
    assert before == datetime(2026, 3, 1, 23, tzinfo=UTC)
    assert after == datetime(2026, 3, 8, 22, tzinfo=UTC)
    assert after.astimezone(LA).time() == time(15)


def test_24x5_weekend_gap_keeps_wall_clock_across_fall_back():
    due = add_business_time(ENTERPRISE_24X5, datetime(2026, 10, 30, 16, tzinfo=LA), 2 * H)
    assert due == datetime(2026, 11, 1, 15, tzinfo=LA)
    assert due == datetime(2026, 11, 1, 23, tzinfo=UTC)


def test_always_open_in_los_angeles_counts_real_hours_over_spring_forward():
    la_24x7 = WeeklyHours(
        "America/Los_Angeles", tuple(WeeklySpan(d, time(0), time(0)) for d in range(7))
    )
    start = datetime(2026, 3, 7, 12, tzinfo=LA)
    due = add_business_time(la_24x7, start, 24 * H)
    assert due - start == 24 * H
    assert due.astimezone(LA) == datetime(2026, 3, 8, 13, tzinfo=LA)


def test_berlin_night_shift_is_an_hour_shorter_on_spring_forward():
    # 2026-03-28 22:00 CET to 2026-03-29 06:00 CEST is 7 real hours.
    start = datetime(2026, 3, 28, 22, tzinfo=BERLIN)
    assert add_business_time(BERLIN_NIGHTS, start, 7 * H) == datetime(2026, 3, 29, 6, tzinfo=BERLIN)
    assert business_time_between(BERLIN_NIGHTS, start, start + 12 * H) == 7 * H


def test_holiday_closes_its_local_day():
    # Good Friday 2026-04-03 is closed: Thursday's night stops at midnight and
    # Friday's night only counts from Saturday 00:00.
    start = datetime(2026, 4, 2, 22, tzinfo=BERLIN)
    assert add_business_time(BERLIN_NIGHTS, start, 3 * H) == datetime(2026, 4, 4, 1, tzinfo=BERLIN)


# --- business_time_between -----------------------------------------------------------------


def test_business_time_between_is_zero_when_end_is_not_after_start():
    at = datetime(2026, 5, 5, 12, tzinfo=UTC)
    assert business_time_between(ALWAYS_OPEN, at, at) == timedelta()
    assert business_time_between(ALWAYS_OPEN, at, at - H) == timedelta()


# --- pauses ------------------------------------------------------------------------------


def test_pause_during_open_hours_pushes_due_time_by_its_length():
    start = datetime(2026, 5, 4, 9, tzinfo=LA)
    pauses = [(datetime(2026, 5, 4, 10, tzinfo=LA), datetime(2026, 5, 4, 11, 30, tzinfo=LA))]
    assert due_at(TEAM_BUSINESS_DAYS, start, 4 * H, pauses) == datetime(
        2026, 5, 4, 14, 30, tzinfo=LA
    )


def test_pause_outside_open_hours_changes_nothing():
    start = datetime(2026, 5, 8, 16, tzinfo=LA)
    weekend = [(datetime(2026, 5, 9, 9, tzinfo=LA), datetime(2026, 5, 10, 9, tzinfo=LA))]
    assert due_at(TEAM_BUSINESS_DAYS, start, 2 * H, weekend) == due_at(
        TEAM_BUSINESS_DAYS, start, 2 * H
    )


def test_overlapping_and_unsorted_pauses_count_once():
    start = datetime(2026, 5, 4, 12, tzinfo=UTC)
    pauses = [
        (datetime(2026, 5, 4, 14, tzinfo=UTC), datetime(2026, 5, 4, 15, tzinfo=UTC)),
        (datetime(2026, 5, 4, 13, tzinfo=UTC), datetime(2026, 5, 4, 14, 30, tzinfo=UTC)),
        (
            datetime(2026, 5, 4, 11, tzinfo=UTC),
            datetime(2026, 5, 4, 12, 30, tzinfo=UTC),
        ),  # half before start
    ]
    # Paused 12:00-12:30 and 13:00-15:00 in the clock's time: 2.5 h.
    assert due_at(ALWAYS_OPEN, start, 2 * H, pauses) == datetime(2026, 5, 4, 16, 30, tzinfo=UTC)
    assert elapsed(ALWAYS_OPEN, start, datetime(2026, 5, 4, 16, tzinfo=UTC), pauses) == 1.5 * H


def test_open_pause_means_no_due_time():
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    pauses = [(datetime(2026, 5, 4, 10, tzinfo=UTC), None)]
    assert due_at(ALWAYS_OPEN, start, 2 * H, pauses) is None


def test_open_pause_after_a_breach_keeps_the_breached_due_time():
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    pauses = [(datetime(2026, 5, 4, 12, tzinfo=UTC), None)]
    assert due_at(ALWAYS_OPEN, start, 2 * H, pauses) == datetime(2026, 5, 4, 11, tzinfo=UTC)


def test_elapsed_stops_at_an_open_pause():
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    pauses = [(datetime(2026, 5, 4, 10, tzinfo=UTC), None)]
    assert elapsed(ALWAYS_OPEN, start, datetime(2026, 5, 4, 18, tzinfo=UTC), pauses) == H


def test_pause_ending_before_it_starts_is_rejected():
    start = datetime(2026, 5, 4, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="pause 1 ends before it starts"):
        due_at(ALWAYS_OPEN, start, H, [(start + H, start)])


def test_near_breach_at_75_percent_of_target():
    start = datetime(2026, 5, 4, 9, tzinfo=LA)
    now = datetime(2026, 5, 4, 12, tzinfo=LA)
    assert fraction_used(TEAM_BUSINESS_DAYS, start, now, 4 * H) == 0.75
    assert fraction_used(TEAM_BUSINESS_DAYS, start, now + 2 * H, 4 * H) == 1.25  # breached
    assert fraction_used(TEAM_BUSINESS_DAYS, start, start - H, 4 * H) == 0.0
    with pytest.raises(ValueError, match="positive"):
        fraction_used(TEAM_BUSINESS_DAYS, start, now, timedelta())


# --- properties --------------------------------------------------------------------------

calendars = st.sampled_from([ENTERPRISE_24X5, TEAM_BUSINESS_DAYS, ALWAYS_OPEN, BERLIN_NIGHTS])
T0 = datetime(2026, 1, 1, tzinfo=UTC)
instants = st.integers(0, 365 * 24 * 60).map(lambda m: T0 + timedelta(minutes=m))
durations = st.integers(0, 120 * 60).map(lambda m: timedelta(minutes=m))
pause_lists = st.lists(
    st.tuples(st.integers(-600, 20 * 24 * 60), st.integers(0, 3 * 24 * 60)), max_size=4
)


def _pauses(start, raw):
    return [(start + timedelta(minutes=a), start + timedelta(minutes=a + b)) for a, b in raw]


@given(calendars, instants, durations)
def test_adding_business_time_then_measuring_it_gives_it_back(hours, start, duration):
    due = add_business_time(hours, start, duration)
    assert due >= start
    assert business_time_between(hours, start, due) == duration
    if duration:  # earliest such instant: a microsecond sooner is not enough
        assert business_time_between(hours, start, due - timedelta(microseconds=1)) < duration


@given(calendars, instants, durations, pause_lists)
def test_pause_never_moves_due_time_earlier(hours, start, target, raw):
    paused = due_at(hours, start, target, _pauses(start, raw))
    assert paused >= due_at(hours, start, target)
    # And the time that counted up to the due time is exactly the target.
    assert elapsed(hours, start, paused, _pauses(start, raw)) == target


@given(calendars, instants, durations, durations, pause_lists)
def test_due_time_is_monotonic_in_target(hours, start, a, b, raw):
    pauses = _pauses(start, raw)
    small, large = sorted((a, b))
    assert due_at(hours, start, small, pauses) <= due_at(hours, start, large, pauses)
