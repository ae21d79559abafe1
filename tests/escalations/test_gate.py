"""The escalation gate (R8) as pure code: what an escalation must carry, when to drop everything."""

from datetime import date

import pytest

from escalations import gate


def test_a_p2_escalation_waits_for_engineering_to_set_the_timing():
    problems = gate.urgency_problems(
        priority="p2", urgency="drop_everything", cannot_wait_a_day=True, justification="ship"
    )
    assert "only for p0 and p1" in problems["urgency"]


@pytest.mark.parametrize("priority", ["p0", "p1"])
def test_drop_everything_needs_cannot_wait_a_day_and_a_justification(priority):
    none = gate.urgency_problems(
        priority=priority, urgency="drop_everything", cannot_wait_a_day=False, justification=" "
    )
    assert set(none) == {"cannot_wait_a_day", "justification"}
    assert not gate.urgency_problems(
        priority=priority, urgency="drop_everything", cannot_wait_a_day=True, justification="down"
    )


def test_normal_urgency_is_always_allowed_and_unknown_ones_never():
    assert not gate.urgency_problems(
        priority="p3", urgency="normal", cannot_wait_a_day=False, justification=""
    )
    assert "urgency" in gate.urgency_problems(
        priority="p0", urgency="asap", cannot_wait_a_day=True, justification="x"
    )


def test_every_missing_piece_of_context_is_named():
    problems = gate.context_problems(
        summary="Exports fail", reproduction_steps="", impact=" ", tried=""
    )
    assert set(problems) == {"reproduction_steps", "impact", "tried"}
    assert gate.deadline_problems(None) and not gate.deadline_problems(date(2099, 1, 1))


def test_links_need_one_http_url_at_most_twenty():
    assert gate.links_problems([" ", ""])[1]["links"].startswith("Add at least one link")
    cleaned, problems = gate.links_problems([" https://logs.example.com/1 "])
    assert cleaned == ["https://logs.example.com/1"] and not problems
    assert (
        "javascript:alert(1)"
        in gate.links_problems(["https://a.example", "javascript:alert(1)"])[1]["links"]
    )
    assert (
        "At most 20"
        in gate.links_problems([f"https://x.example/{i}" for i in range(21)])[1]["links"]
    )


def test_only_triaged_open_work_can_be_escalated():
    assert "Triage it first" in gate.status_problem("new")
    assert gate.status_problem("resolved")
    assert gate.status_problem("in_progress") == "" and gate.status_problem("escalated") == ""


def test_a_deadline_and_links_can_be_stated_as_none_but_not_left_out():
    """R8: engineering needs to know there is no deadline or nothing to link, said outright."""
    assert "no customer deadline" in gate.deadline_problems(None)["customer_deadline"].lower()
    assert not gate.deadline_problems(None, none_stated=True)
    both = gate.deadline_problems(date(2099, 1, 1), none_stated=True)
    assert "either" in both["customer_deadline"]
    assert gate.links_problems([], none_stated=True) == ([], {})
    assert "No links" in gate.links_problems([])[1]["links"]
    assert "either" in gate.links_problems(["https://a.example"], none_stated=True)[1]["links"]
