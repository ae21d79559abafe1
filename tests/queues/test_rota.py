"""The rota: planned, working, on duty, and the next arrivals (R7)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queues.rota import (
    Engineer,
    arrivals,
    is_planned,
    is_working,
    next_arrival,
    on_duty_at,
    planned_at,
    working_at,
)
from shared.hours import WeeklyHours, parse_spans

LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")


def weekdays(start: str, end: str, tz: str = "UTC", days=range(5)) -> WeeklyHours:
    return WeeklyHours(tz, parse_spans({"day": d, "start": start, "end": end} for d in days))


def engineer(username, start, end, *, region="americas", tz="UTC", days=range(5), **kwargs):
    return Engineer(username, region, weekdays(start, end, tz, days), **kwargs)


# The demo rota from PRODUCT.md: ten engineers on weekday UTC hours, three in EMEA.
ROTA = [
    engineer("ana", "00:00", "08:30", region="other"),
    engineer("bo", "07:00", "15:00", region="emea"),
    engineer("cy", "09:00", "17:00", region="emea"),
    engineer("di", "10:00", "19:00", region="emea"),
    engineer("ed", "14:00", "22:00"),
    engineer("flo", "14:00", "22:00"),
    engineer("gus", "15:00", "23:00"),
    engineer("hal", "17:00", "01:00"),
    engineer("ivy", "18:00", "02:00"),
    engineer("jo", "18:00", "02:00"),
]
MON = datetime(2026, 5, 4, tzinfo=UTC)  # a Monday


def names(engineers):
    return [e.username for e in engineers]


def test_planned_follows_weekly_hours_and_keeps_rota_order():
    assert names(planned_at(ROTA, MON + timedelta(hours=7, minutes=30))) == ["ana", "bo"]
    assert names(planned_at(ROTA, MON + timedelta(hours=18))) == [
        "di",
        "ed",
        "flo",
        "gus",
        "hal",
        "ivy",
        "jo",
    ]


def test_shift_17_to_01_runs_past_midnight_into_the_next_day():
    hal = ROTA[7]
    assert is_planned(hal, datetime(2026, 5, 9, 0, 30, tzinfo=UTC))  # Friday's shift, on Saturday
    assert not is_planned(hal, datetime(2026, 5, 9, 1, tzinfo=UTC))
    assert not is_planned(hal, datetime(2026, 5, 4, 0, 30, tzinfo=UTC))  # no Sunday shift


def test_shift_18_to_02_counts_at_half_past_one():
    at = datetime(2026, 5, 5, 1, 30, tzinfo=UTC)
    assert names(working_at(ROTA, at)) == ["ana", "ivy", "jo"]


def test_absent_engineer_is_planned_but_not_working():
    away = (MON + timedelta(hours=8), MON + timedelta(hours=12))
    cy = engineer("cy", "09:00", "17:00", region="emea", absences=(away,))
    at = MON + timedelta(hours=10)
    assert is_planned(cy, at)
    assert not is_working(cy, at)
    assert is_working(cy, MON + timedelta(hours=12))  # absences are half-open


def test_on_duty_needs_duty_hours_and_working():
    duty = weekdays("09:00", "12:00")
    on = engineer("on", "09:00", "17:00", duty=duty)
    off = engineer("off", "09:00", "17:00")
    away = engineer("away", "09:00", "17:00", duty=duty, absences=((MON, MON + timedelta(days=1)),))
    at = MON + timedelta(hours=10)
    assert names(on_duty_at([on, off, away], at)) == ["on"]
    assert on_duty_at([on], MON + timedelta(hours=13)) == []


def test_next_arrival_is_the_next_shift_start():
    assert next_arrival(ROTA, MON + timedelta(hours=7, minutes=30)) == MON + timedelta(hours=9)


def test_next_arrival_is_strictly_after():
    assert next_arrival(ROTA, MON + timedelta(hours=9)) == MON + timedelta(hours=10)


def test_next_arrival_after_friday_night_is_monday_midnight():
    after = datetime(2026, 5, 9, 2, tzinfo=UTC)  # Saturday 02:00 UTC, the last shift just ended
    assert next_arrival(ROTA, after) == datetime(2026, 5, 11, tzinfo=UTC)


def test_absence_ending_inside_planned_hours_is_an_arrival():
    back = MON + timedelta(hours=11)
    cy = engineer("cy", "09:00", "17:00", absences=((MON, back),))
    assert next_arrival([cy], MON + timedelta(hours=9, minutes=30)) == back


def test_absence_ending_outside_planned_hours_arrives_at_the_next_shift():
    cy = engineer("cy", "09:00", "17:00", absences=((MON, MON + timedelta(hours=20)),))
    assert next_arrival([cy], MON + timedelta(hours=1)) == MON + timedelta(days=1, hours=9)


def test_overlapping_absences_merge():
    cy = engineer(
        "cy",
        "09:00",
        "17:00",
        absences=(
            (MON + timedelta(hours=8), MON + timedelta(hours=11)),
            (MON + timedelta(hours=10), MON + timedelta(hours=13)),
        ),
    )
    assert [at for at, _ in arrivals([cy], MON, MON + timedelta(hours=16))] == [
        MON + timedelta(hours=13)
    ]


def test_someone_already_working_is_not_an_arrival():
    ana = ROTA[0]
    assert arrivals([ana], MON + timedelta(hours=1), MON + timedelta(hours=8)) == []


def test_next_arrival_is_none_when_nobody_comes_within_the_horizon():
    away = engineer("away", "09:00", "17:00", absences=((MON, MON + timedelta(days=30)),))
    assert next_arrival([away], MON) is None
    assert next_arrival([], MON) is None
    assert (
        next_arrival(ROTA, datetime(2026, 5, 9, 2, tzinfo=UTC), horizon=timedelta(days=1)) is None
    )


def test_arrival_exactly_at_the_horizon_counts():
    cy = engineer("cy", "09:00", "17:00")
    assert next_arrival(
        [cy], MON + timedelta(hours=8), horizon=timedelta(hours=1)
    ) == MON + timedelta(hours=9)


def test_arrivals_are_ordered_with_ties_by_username():
    got = arrivals(list(reversed(ROTA)), MON + timedelta(hours=13), MON + timedelta(hours=18))
    assert [(at.hour, e.username) for at, e in got] == [
        (14, "ed"),
        (14, "flo"),
        (15, "gus"),
        (17, "hal"),
        (18, "ivy"),
        (18, "jo"),
    ]


# --- DST ---------------------------------------------------------------------------------


def test_berlin_engineer_starts_an_hour_earlier_in_utc_after_spring_forward():
    kai = engineer("kai", "09:00", "17:00", region="emea", tz="Europe/Berlin")
    friday = datetime(2026, 3, 27, 7, tzinfo=UTC)
    assert next_arrival([kai], friday) == datetime(2026, 3, 27, 8, tzinfo=UTC)
    monday = datetime(2026, 3, 30, 6, tzinfo=UTC)
    assert next_arrival([kai], monday) == datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_la_night_shift_over_spring_forward_ends_at_local_four():
    # Saturday 22:00 PST to Sunday 04:00 PDT on 2026-03-08: 5 real hours, ends 11:00 UTC.
    nat = engineer("nat", "22:00", "04:00", tz="America/Los_Angeles", days=[5])
    assert is_working(nat, datetime(2026, 3, 8, 10, 59, tzinfo=UTC))
    assert not is_working(nat, datetime(2026, 3, 8, 11, tzinfo=UTC))


def test_la_shift_starting_in_the_gap_arrives_when_the_clock_jumps():
    # 02:30 does not exist on 2026-03-08 in Los Angeles; the shift starts at 03:00 PDT.
    early = engineer("early", "02:30", "10:00", tz="America/Los_Angeles", days=[6])
    assert next_arrival([early], datetime(2026, 3, 8, tzinfo=UTC)) == datetime(
        2026, 3, 8, 10, tzinfo=UTC
    )


def test_la_shift_at_an_ambiguous_time_starts_at_the_first_occurrence():
    early = engineer("early", "01:30", "10:00", tz="America/Los_Angeles", days=[6])
    assert next_arrival([early], datetime(2026, 11, 1, tzinfo=UTC)) == datetime(
        2026, 11, 1, 8, 30, tzinfo=UTC
    )
    # 01:30 PDT -> 10:00 PST is 9.5 real hours: still working at 17:59 UTC.
    assert is_working(early, datetime(2026, 11, 1, 17, 59, tzinfo=UTC))


# --- validation and properties -------------------------------------------------------------


def test_engineer_rejects_unknown_region_and_bad_absences():
    with pytest.raises(ValueError, match="region"):
        engineer("x", "09:00", "17:00", region="mars")
    with pytest.raises(ValueError, match="timezone-aware"):
        engineer("x", "09:00", "17:00", absences=((datetime(2026, 5, 4), MON),))  # noqa: DTZ001
    with pytest.raises(ValueError, match="must end after it starts"):
        engineer("x", "09:00", "17:00", absences=((MON, MON),))


def test_naive_instant_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        working_at(ROTA, datetime(2026, 5, 4, 10))  # noqa: DTZ001


@given(st.integers(0, 21 * 24 * 60))
def test_every_arrival_is_a_change_from_not_working_to_working(offset):
    after = MON + timedelta(minutes=offset)
    for at, who in arrivals(ROTA, after, after + timedelta(days=2)):
        assert is_working(who, at)
        assert not is_working(who, at - timedelta(microseconds=1))
    first = next_arrival(ROTA, after)
    assert first is not None and first > after
    assert first == arrivals(ROTA, after, first)[0][0]
