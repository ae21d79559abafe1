"""Capacity level 1-8 and load state (R7, PRODUCT.md's capacity-level table)."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queues.load import DEFAULT_RULES, LevelRule, capacity_level, state_for_level


def level_for(*, planned=None, working=None, active=0, **kwargs):
    planned = {"emea": 10, "americas": 10} if planned is None else planned
    working = dict(planned) if working is None else working
    return capacity_level(
        rules=DEFAULT_RULES, planned=planned, working=working, active_cases=active, **kwargs
    )


def test_default_rules_are_product_md_table():
    table = [(r.level, r.name, r.staffing_at_or_below, r.load_above) for r in DEFAULT_RULES]
    assert table == [
        (1, "business as usual", None, None),
        (2, "team coordination", 0.8, 5),
        (3, "pause non-customer work", 0.5, 7),
        (4, "community replies within 24 h", 0.4, 8),
        (5, "post-sales within 4 business hours", 0.33, 9),
        (6, "pre-sales within 2 business hours", 0.2, 9),
        (7, "CEs take first pass", 0.1, 10),
        (8, "engineering helps directly", 0, 10),
    ]
    assert all(r.contingency.endswith(".") and len(r.contingency) > 40 for r in DEFAULT_RULES)


@pytest.mark.parametrize(
    ("level", "state"),
    [(1, "normal"), (2, "busy"), (3, "busy"), (4, "backed_up"), (5, "backed_up"), (8, "backed_up")],
)
def test_state_for_level_normal_busy_backed_up(level, state):
    assert state_for_level(level) == state


def test_state_for_level_rejects_levels_below_one():
    with pytest.raises(ValueError):
        state_for_level(0)


def test_full_staffing_and_no_cases_is_level_1():
    result = level_for()
    assert (result.level, result.state, result.reasons) == (1, "normal", ())
    assert result.staffing == {"americas": 1.0, "emea": 1.0}
    assert result.load == 0.0


# Staffing out of 100 planned in EMEA: at each threshold the level holds, one more engineer
# working and it drops to the level below's condition.
@pytest.mark.parametrize(
    ("working", "level"),
    [
        (80, 2),
        (81, 1),
        (50, 3),
        (51, 2),
        (40, 4),
        (41, 3),
        (33, 5),
        (34, 4),
        (20, 6),
        (21, 5),
        (10, 7),
        (11, 6),
        (0, 8),
        (1, 7),
    ],
)
def test_staffing_threshold_at_and_just_over(working, level):
    result = level_for(planned={"emea": 100}, working={"emea": working})
    assert result.level == level


# Load with 10 engineers working: "above" is strict. Levels 5 and 6 share "above 9" and
# levels 7 and 8 share "above 10", so the higher of each pair is the one reached.
@pytest.mark.parametrize(
    ("active", "level"),
    [
        (50, 1),
        (51, 2),
        (70, 2),
        (71, 3),
        (80, 3),
        (81, 4),
        (90, 4),
        (91, 6),
        (100, 6),
        (101, 8),
    ],
)
def test_load_threshold_at_and_just_over(active, level):
    result = level_for(planned={"americas": 10}, active=active)
    assert result.level == level


def test_one_in_three_working_is_level_4():
    # 1/3 = 0.333... is above 0.33, so it is "at or below 0.4" (level 4) but not level 5.
    result = level_for(planned={"emea": 3, "americas": 6}, working={"emea": 1, "americas": 6})
    assert result.level == 4
    assert result.reasons == ("EMEA staffing 0.33 ≤ 0.4",)


def test_region_with_nobody_planned_counts_as_fully_staffed():
    result = level_for(planned={"emea": 0, "americas": 4}, working={"emea": 0, "americas": 4})
    assert result.staffing["emea"] == 1.0
    assert result.level == 1


def test_region_with_planned_engineers_and_none_working_is_level_8():
    result = level_for(planned={"emea": 3, "americas": 5}, working={"emea": 0, "americas": 5})
    assert result.level == 8
    assert result.state == "backed_up"
    assert result.reasons[0].startswith("EMEA staffing 0.00 ≤ 0")


def test_active_case_with_nobody_working_is_level_8():
    result = level_for(planned={"other": 0}, working={"other": 0}, active=1)
    assert result.level == 8
    assert result.load is None
    assert result.reasons == ("1 active case(s) and nobody working",)


def test_no_cases_and_nobody_planned_is_level_1():
    result = level_for(planned={}, working={}, active=0)
    assert (result.level, result.load) == (1, None)


def test_highest_level_wins_and_reasons_name_its_triggers():
    result = level_for(
        planned={"emea": 10, "americas": 10}, working={"emea": 4, "americas": 10}, active=130
    )
    # Load 130/14 = 9.29 is above 9 (level 6); EMEA 0.4 would only be level 4.
    assert result.level == 6
    assert result.reasons == ("load 9.29 > 9",)


def test_oldest_wait_over_the_two_hour_goal_is_at_least_level_2():
    result = level_for(oldest_wait=timedelta(hours=2, minutes=5))
    assert (result.level, result.state) == (2, "busy")
    assert result.reasons == ("oldest wait 2 h 05 min is over the 2 h goal",)


def test_oldest_wait_exactly_at_the_goal_is_not_over_it():
    assert level_for(oldest_wait=timedelta(hours=2)).level == 1


def test_oldest_wait_never_lowers_a_higher_level_but_is_still_named():
    result = level_for(planned={"emea": 3}, working={"emea": 1}, oldest_wait=timedelta(hours=3))
    assert result.level == 4
    assert result.reasons == ("EMEA staffing 0.33 ≤ 0.4", "oldest wait 3 h is over the 2 h goal")


def test_goal_is_a_parameter():
    assert level_for(oldest_wait=timedelta(minutes=45), goal=timedelta(minutes=30)).level == 2


def test_edited_rules_are_used():
    rules = (
        LevelRule(1, "calm", None, None, "Carry on."),
        LevelRule(2, "busy", None, 1, "Help out."),
    )
    result = capacity_level(rules=rules, planned={"emea": 2}, working={"emea": 2}, active_cases=3)
    assert result.level == 2


@pytest.mark.parametrize(
    ("planned", "working", "active", "message"),
    [
        ({"emea": 2}, {"emea": 3}, 0, "3 working but only 2 planned"),
        ({"emea": -1}, {"emea": 0}, 0, "negative"),
        ({"emea": 1}, {"emea": 1}, -1, "negative"),
    ],
)
def test_impossible_counts_are_rejected(planned, working, active, message):
    with pytest.raises(ValueError, match=message):
        level_for(planned=planned, working=working, active=active)


counts = st.integers(0, 12)


@given(counts, counts, counts, counts, st.integers(0, 200))
def test_more_people_working_never_raises_the_level(p1, w1, p2, extra, active):
    w1 = min(w1, p1)
    planned = {"emea": p1, "americas": p2}
    fewer = level_for(
        planned=planned, working={"emea": w1, "americas": min(extra, p2)}, active=active
    )
    more = level_for(planned=planned, working={"emea": p1, "americas": p2}, active=active)
    assert more.level <= fewer.level
    assert 1 <= fewer.level <= 8
    assert fewer.state == state_for_level(fewer.level)
