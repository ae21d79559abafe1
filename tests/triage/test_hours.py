"""Weekly opening hours: spans, time zones, DST, closed dates, parsing."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.hours import (
    ALWAYS_OPEN,
    WeeklyHours,
    WeeklySpan,
    local_to_utc,
    merge_intervals,
    parse_spans,
    spans_to_rows,
    subtract_intervals,
)

LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")


def weekdays(tz: str, start: str, end: str, days=range(5), **kwargs) -> WeeklyHours:
    rows = [{"day": d, "start": start, "end": end} for d in days]
    return WeeklyHours(timezone=tz, spans=parse_spans(rows), **kwargs)


def total(intervals) -> timedelta:
    return sum((e - s for s, e in intervals), timedelta())


# --- basic spans -------------------------------------------------------------------------


def test_open_intervals_are_clipped_to_the_window():
    hours = weekdays("UTC", "09:00", "17:00")
    # 2026-05-04 is a Monday.
    got = list(
        hours.open_intervals(
            datetime(2026, 5, 4, 12, tzinfo=UTC), datetime(2026, 5, 5, 10, tzinfo=UTC)
        )
    )
    assert got == [
        (datetime(2026, 5, 4, 12, tzinfo=UTC), datetime(2026, 5, 4, 17, tzinfo=UTC)),
        (datetime(2026, 5, 5, 9, tzinfo=UTC), datetime(2026, 5, 5, 10, tzinfo=UTC)),
    ]


def test_open_intervals_are_utc_and_in_local_time():
    hours = weekdays("America/Los_Angeles", "09:00", "17:00")
    (s, e), *_ = hours.open_intervals(
        datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 6, tzinfo=UTC)
    )
    assert s == datetime(2026, 5, 4, 16, tzinfo=UTC)  # 09:00 PDT
    assert e == datetime(2026, 5, 5, tzinfo=UTC)  # 17:00 PDT
    assert s.tzinfo is UTC


def test_empty_window_yields_nothing():
    at = datetime(2026, 5, 4, 12, tzinfo=UTC)
    assert list(ALWAYS_OPEN.open_intervals(at, at)) == []
    assert list(ALWAYS_OPEN.open_intervals(at, at - timedelta(hours=1))) == []


def test_always_open_is_one_merged_interval():
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
    assert list(ALWAYS_OPEN.open_intervals(start, end)) == [(start, end)]


def test_touching_days_merge_into_one_interval():
    hours = WeeklyHours(
        timezone="UTC",
        spans=(
            WeeklySpan(0, time(0), time(0)),  # Monday all day
            WeeklySpan(1, time(0), time(12)),  # Tuesday morning
        ),
    )
    got = list(
        hours.open_intervals(datetime(2026, 5, 3, tzinfo=UTC), datetime(2026, 5, 10, tzinfo=UTC))
    )
    assert got == [(datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 5, 12, tzinfo=UTC))]


def test_overlapping_spans_merge():
    hours = WeeklyHours(
        timezone="UTC",
        spans=(WeeklySpan(0, time(9), time(13)), WeeklySpan(0, time(12), time(17))),
    )
    got = list(
        hours.open_intervals(datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 5, tzinfo=UTC))
    )
    assert got == [(datetime(2026, 5, 4, 9, tzinfo=UTC), datetime(2026, 5, 4, 17, tzinfo=UTC))]


def test_equal_start_and_end_means_a_full_day():
    hours = WeeklyHours(timezone="UTC", spans=(WeeklySpan(2, time(6), time(6)),))
    got = list(
        hours.open_intervals(datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 11, tzinfo=UTC))
    )
    assert got == [(datetime(2026, 5, 6, 6, tzinfo=UTC), datetime(2026, 5, 7, 6, tzinfo=UTC))]


# --- midnight-crossing spans ---------------------------------------------------------------


def test_span_17_to_01_utc_crosses_midnight():
    hours = weekdays("UTC", "17:00", "01:00")
    # Friday 2026-05-08 17:00 to Saturday 01:00 belongs to Friday.
    assert hours.is_open(datetime(2026, 5, 9, 0, 30, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 5, 9, 1, 0, tzinfo=UTC))
    # Monday 00:30 is not open: Sunday has no span.
    assert not hours.is_open(datetime(2026, 5, 4, 0, 30, tzinfo=UTC))
    assert hours.is_open(datetime(2026, 5, 5, 0, 30, tzinfo=UTC))


def test_span_18_to_02_reaches_into_a_window_that_starts_after_midnight():
    hours = weekdays("UTC", "18:00", "02:00")
    got = list(
        hours.open_intervals(
            datetime(2026, 5, 5, 1, tzinfo=UTC), datetime(2026, 5, 5, 19, tzinfo=UTC)
        )
    )
    assert got == [
        (datetime(2026, 5, 5, 1, tzinfo=UTC), datetime(2026, 5, 5, 2, tzinfo=UTC)),
        (datetime(2026, 5, 5, 18, tzinfo=UTC), datetime(2026, 5, 5, 19, tzinfo=UTC)),
    ]


# --- DST ---------------------------------------------------------------------------------


def test_la_spring_forward_night_span_is_an_hour_shorter():
    # Saturday night 2026-03-07 22:00 to Sunday 06:00 PT: 8 wall hours, 7 real hours.
    hours = WeeklyHours("America/Los_Angeles", (WeeklySpan(5, time(22), time(6)),))
    got = list(
        hours.open_intervals(datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
    )
    assert got == [(datetime(2026, 3, 8, 6, tzinfo=UTC), datetime(2026, 3, 8, 13, tzinfo=UTC))]
    assert total(got) == timedelta(hours=7)


def test_la_fall_back_night_span_is_an_hour_longer():
    hours = WeeklyHours("America/Los_Angeles", (WeeklySpan(5, time(22), time(6)),))
    got = list(
        hours.open_intervals(datetime(2026, 10, 31, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
    )
    assert total(got) == timedelta(hours=9)


def test_day_span_keeps_its_wall_clock_hours_across_dst():
    hours = weekdays("America/Los_Angeles", "09:00", "17:00", days=range(7))
    for day in (date(2026, 3, 8), date(2026, 11, 1)):
        start = datetime.combine(day, time(), LA)
        assert total(hours.open_intervals(start, start + timedelta(days=1))) == timedelta(hours=8)


def test_nonexistent_start_resolves_forward_to_the_end_of_the_gap():
    # 02:30 does not exist on 2026-03-08 in Los Angeles: the clock jumps 02:00 -> 03:00 PDT.
    assert local_to_utc(datetime(2026, 3, 8, 2, 30), LA) == datetime(2026, 3, 8, 10, tzinfo=UTC)
    hours = WeeklyHours("America/Los_Angeles", (WeeklySpan(6, time(2, 30), time(4)),))
    got = list(
        hours.open_intervals(datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
    )
    assert got == [(datetime(2026, 3, 8, 10, tzinfo=UTC), datetime(2026, 3, 8, 11, tzinfo=UTC))]


def test_span_wholly_inside_the_gap_has_no_open_time():
    hours = WeeklyHours("Europe/Berlin", (WeeklySpan(6, time(2, 10), time(2, 50)),))
    week = datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 3, 30, 12, tzinfo=UTC)
    assert list(hours.open_intervals(*week)) == []
    # The Sunday after has the full 40 minutes.
    later = datetime(2026, 4, 5, tzinfo=UTC), datetime(2026, 4, 6, tzinfo=UTC)
    assert total(hours.open_intervals(*later)) == timedelta(minutes=40)


def test_ambiguous_time_is_its_first_occurrence():
    assert local_to_utc(datetime(2026, 11, 1, 1, 30), LA) == datetime(
        2026, 11, 1, 8, 30, tzinfo=UTC
    )


def test_berlin_spring_forward_night_shift():
    # Saturday 2026-03-28 20:00 to Sunday 04:00 in Berlin: 7 real hours.
    hours = WeeklyHours("Europe/Berlin", (WeeklySpan(5, time(20), time(4)),))
    got = list(
        hours.open_intervals(datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC))
    )
    assert got == [(datetime(2026, 3, 28, 19, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC))]


def test_full_day_span_follows_the_wall_clock_on_dst_days():
    hours = WeeklyHours("America/Los_Angeles", (WeeklySpan(6, time(0), time(0)),))
    spring = list(
        hours.open_intervals(datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC))
    )
    fall = list(
        hours.open_intervals(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC))
    )
    assert total(spring) == timedelta(hours=23)
    assert total(fall) == timedelta(hours=25)


# --- closed dates ------------------------------------------------------------------------


def test_closed_date_is_closed_all_local_day():
    hours = weekdays(
        "America/Los_Angeles", "09:00", "17:00", closed_dates=frozenset({date(2026, 5, 25)})
    )
    assert not hours.is_open(datetime(2026, 5, 25, 12, tzinfo=LA))
    assert hours.is_open(datetime(2026, 5, 26, 12, tzinfo=LA))


def test_closed_date_cuts_a_span_running_into_it():
    hours = weekdays("UTC", "20:00", "04:00", closed_dates=frozenset({date(2026, 5, 6)}))
    # Tuesday's 20:00-04:00 stops at Wednesday midnight; Wednesday's shift starts on Thursday 00:00.
    got = list(
        hours.open_intervals(
            datetime(2026, 5, 5, 12, tzinfo=UTC), datetime(2026, 5, 7, 12, tzinfo=UTC)
        )
    )
    assert got == [
        (datetime(2026, 5, 5, 20, tzinfo=UTC), datetime(2026, 5, 6, tzinfo=UTC)),
        (datetime(2026, 5, 7, tzinfo=UTC), datetime(2026, 5, 7, 4, tzinfo=UTC)),
    ]


# --- is_open / next_change ----------------------------------------------------------------


def test_is_open_is_half_open_at_the_edges():
    hours = weekdays("UTC", "09:00", "17:00")
    assert hours.is_open(datetime(2026, 5, 4, 9, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 5, 4, 17, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 5, 4, 8, 59, 59, tzinfo=UTC))


def test_next_change_is_strictly_after():
    hours = weekdays("UTC", "09:00", "17:00")
    assert hours.next_change(datetime(2026, 5, 4, 9, tzinfo=UTC)) == datetime(
        2026, 5, 4, 17, tzinfo=UTC
    )
    assert hours.next_change(datetime(2026, 5, 4, 17, tzinfo=UTC)) == datetime(
        2026, 5, 5, 9, tzinfo=UTC
    )
    # Friday evening: the next change is Monday's opening.
    assert hours.next_change(datetime(2026, 5, 8, 18, tzinfo=UTC)) == datetime(
        2026, 5, 11, 9, tzinfo=UTC
    )


def test_next_change_is_none_for_always_open_and_beyond_horizon():
    assert ALWAYS_OPEN.next_change(datetime(2026, 5, 4, tzinfo=UTC)) is None
    hours = weekdays("UTC", "09:00", "17:00", days=[0])
    after = datetime(2026, 5, 4, 18, tzinfo=UTC)
    assert hours.next_change(after, horizon=timedelta(days=6)) is None
    assert hours.next_change(after, horizon=timedelta(days=6, hours=15)) == datetime(
        2026, 5, 11, 9, tzinfo=UTC
    )


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        list(ALWAYS_OPEN.open_intervals(datetime(2026, 5, 4), datetime(2026, 5, 5, tzinfo=UTC)))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        ALWAYS_OPEN.is_open(datetime(2026, 5, 4))  # noqa: DTZ001


def test_unknown_time_zone_is_rejected():
    with pytest.raises(ValueError, match="unknown time zone"):
        WeeklyHours(timezone="Mars/Olympus_Mons", spans=())


def test_equal_calendars_are_equal_and_hashable():
    a = weekdays("UTC", "09:00", "17:00")
    b = weekdays("UTC", "09:00", "17:00")
    a.is_open(datetime(2026, 5, 4, 10, tzinfo=UTC))  # fills a's cache only
    assert a == b
    assert hash(a) == hash(b)


# --- parsing -----------------------------------------------------------------------------


def test_parse_spans_round_trips_with_spans_to_rows():
    rows = [
        {"day": 0, "start": "09:00", "end": "17:30"},
        {"day": 6, "start": "22:00", "end": "02:00"},
    ]
    spans = parse_spans(rows)
    assert spans == (WeeklySpan(0, time(9), time(17, 30)), WeeklySpan(6, time(22), time(2)))
    assert spans_to_rows(spans) == rows


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"day": 7, "start": "09:00", "end": "17:00"}, "row 1: day must be an integer 0"),
        ({"day": "1", "start": "09:00", "end": "17:00"}, "row 1: day must be an integer 0"),
        ({"day": True, "start": "09:00", "end": "17:00"}, "row 1: day must be an integer 0"),
        ({"day": 1, "start": "9:00", "end": "17:00"}, "row 1: start must be a time as HH:MM"),
        ({"day": 1, "start": "09:00", "end": "24:00"}, "row 1: end must be a time as HH:MM"),
        ({"day": 1, "start": "09:60", "end": "17:00"}, "row 1: start must be a time as HH:MM"),
        ({"day": 1, "start": 900, "end": "17:00"}, "row 1: start must be a time as HH:MM"),
        ({"day": 1}, "row 1 is missing start, end"),
    ],
)
def test_parse_spans_names_the_bad_row_and_field(row, message):
    with pytest.raises(ValueError, match=message):
        parse_spans([row])


def test_parse_spans_counts_rows_from_one():
    good = {"day": 0, "start": "09:00", "end": "17:00"}
    with pytest.raises(ValueError, match="row 2"):
        parse_spans([good, {"day": 0, "start": "x", "end": "17:00"}])


# --- interval helpers and properties ------------------------------------------------------

T0 = datetime(2026, 1, 1, tzinfo=UTC)
minutes = st.integers(min_value=0, max_value=60 * 24 * 60)
intervals = st.lists(st.tuples(minutes, minutes), max_size=8).map(
    lambda pairs: [
        (T0 + timedelta(minutes=a), T0 + timedelta(minutes=a + b % 600)) for a, b in pairs
    ]
)


@given(intervals, intervals)
def test_subtract_intervals_removes_exactly_the_cut_time(base, cuts):
    merged = merge_intervals(base)
    left = subtract_intervals(merged, cuts)
    cut_merged = merge_intervals(cuts)
    overlap = sum(
        (max(timedelta(), min(e, ce) - max(s, cs)) for s, e in merged for cs, ce in cut_merged),
        timedelta(),
    )
    assert total(left) == total(merged) - overlap
    assert all(s < e for s, e in left)


zones = st.sampled_from(["UTC", "America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe"])
span_rows = st.lists(
    st.fixed_dictionaries(
        {
            "day": st.integers(0, 6),
            "start": st.sampled_from(
                ["00:00", "01:30", "02:00", "02:30", "09:00", "17:00", "22:00"]
            ),
            "end": st.sampled_from(["00:00", "02:00", "02:45", "03:00", "08:30", "17:00", "23:59"]),
        }
    ),
    min_size=1,
    max_size=6,
)


@given(zones, span_rows, st.integers(0, 400 * 24), st.integers(0, 21 * 24))
def test_open_intervals_are_ordered_disjoint_and_not_touching(tz, rows, offset_h, length_h):
    hours = WeeklyHours(tz, parse_spans(rows))
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=offset_h)
    end = start + timedelta(hours=length_h)
    got = list(hours.open_intervals(start, end))
    for (_, e), (s2, _) in zip(got, got[1:], strict=False):
        assert e < s2
    assert all(start <= s < e <= end for s, e in got)
    # is_open agrees with the intervals at their edges.
    for s, e in got:
        assert hours.is_open(s)
        if e < end:
            assert not hours.is_open(e)
