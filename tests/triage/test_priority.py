"""The priority engine (R1, R3, R4, R5) as pure code: no database, fixed instants."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.priority import LEVELS, TIERS, suggested_priority
from triage.rank import TicketFacts, rank, rank_key, sort_key, why, why_below

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CUSTOMER_TIERS = ["enterprise", "team", "free", "open_source"]


def facts(
    id=1,
    tier="enterprise",
    priority="p2",
    created=T0,
    due=None,
    pinned=None,
    waiting=False,
    answered=False,
):
    return TicketFacts(
        id=id, tier=tier, priority=priority, created_at=created, due_at=due, pinned_at=pinned,
        waiting_on_customer=waiting, answered=answered,
    )  # fmt: skip


# R3, one test per line of the rule.
def test_internal_work_is_p3_whatever_its_severity():
    for severity in [None, "p0", "p1", "p2"]:
        assert suggested_priority(source="internal", tier="internal", severity=severity) == "p3"


@pytest.mark.parametrize("tier", ["presales", *CUSTOMER_TIERS])
@pytest.mark.parametrize("severity", ["p0", "p1"])
def test_severity_p0_p1_from_any_customer_or_prospect_is_that_priority(tier, severity):
    source = "presales" if tier == "presales" else "customer"
    assert suggested_priority(source=source, tier=tier, severity=severity) == severity


@pytest.mark.parametrize("tier", ["enterprise", "team", "presales"])
def test_severity_p2_from_paying_tier_or_prospect_is_p2(tier):
    source = "presales" if tier == "presales" else "customer"
    assert suggested_priority(source=source, tier=tier, severity="p2") == "p2"


@pytest.mark.parametrize("tier", ["free", "open_source"])
def test_severity_p2_from_free_or_open_source_is_p3(tier):
    assert suggested_priority(source="customer", tier=tier, severity="p2") == "p3"


def test_unassessed_ticket_is_suggested_as_severity_p2():
    assert suggested_priority(source="customer", tier="team", severity=None) == "p2"
    assert suggested_priority(source="customer", tier="free", severity=None) == "p3"


# R1 and R4 on named cases.
def test_free_p2_ranks_below_team_p2():
    free = facts(id=1, tier="free", priority="p3")  # R3 makes a free p2 severity a p3 priority
    team = facts(id=2, tier="team", priority="p2", created=T0 + timedelta(hours=5))
    assert rank([free, team]) == [team, free]


def test_free_ranks_above_internal_at_the_same_priority():
    internal = facts(id=1, tier="internal", priority="p3")
    free = facts(id=2, tier="free", priority="p3", created=T0 + timedelta(days=3))
    assert rank([internal, free]) == [free, internal]


def test_tiers_follow_r1_at_equal_priority():
    tickets = [facts(id=i, tier=t) for i, t in enumerate(reversed(TIERS))]
    assert [t.tier for t in rank(tickets)] == list(TIERS)


def test_priority_dominates_tier():
    presales_p1 = facts(id=1, tier="presales", priority="p1")
    open_source_p0 = facts(id=2, tier="open_source", priority="p0")
    assert rank([presales_p1, open_source_p0])[0] == open_source_p0


def test_sooner_due_time_ranks_first_within_priority_and_tier():
    later = facts(id=1, due=T0 + timedelta(hours=8))
    sooner = facts(id=2, due=T0 + timedelta(hours=2), created=T0 + timedelta(hours=1))
    assert rank([later, sooner]) == [sooner, later]


def test_work_without_due_time_ranks_after_work_with_one():
    none = facts(id=1, due=None)
    some = facts(id=2, due=T0 + timedelta(days=30))
    assert rank([none, some]) == [some, none]


def test_pinned_ticket_comes_first_whatever_its_priority():
    pinned = facts(id=1, tier="internal", priority="p3", pinned=T0)
    p0 = facts(id=2, tier="presales", priority="p0")
    assert rank([p0, pinned])[0] == pinned


# R4: the number one is something the team can act on.
def test_work_waiting_on_the_customer_ranks_after_all_work_that_waits_on_us():
    waiting_p0 = facts(id=1, tier="presales", priority="p0", due=T0, waiting=True)
    internal_p3 = facts(id=2, tier="internal", priority="p3", created=T0 + timedelta(days=9))
    assert rank([waiting_p0, internal_p3]) == [internal_p3, waiting_p0]


def test_a_pin_takes_effect_again_when_the_ticket_comes_back():
    pinned = facts(id=1, tier="free", priority="p3", pinned=T0, waiting=True)
    other = facts(id=2, tier="enterprise", priority="p1")
    assert rank([pinned, other]) == [other, pinned]  # waits on the customer: after our work
    back = facts(id=1, tier="free", priority="p3", pinned=T0, waiting=False)
    assert rank([back, other]) == [back, other]  # the customer answered: pinned first again
    waiting = facts(id=3, tier="enterprise", priority="p0", waiting=True)
    assert rank([waiting, pinned]) == [pinned, waiting]  # pins still lead within the band


def test_rank_key_marks_work_we_can_act_on_below_a_fixed_bound():
    from triage.rank import ACTIONABLE_BEFORE, RANK_KEY_LENGTH

    ours = rank_key(facts(pinned=T0, priority="p3", tier="internal"))
    theirs = rank_key(facts(priority="p0", tier="presales", due=T0, waiting=True))
    assert ours < ACTIONABLE_BEFORE <= theirs
    assert len(ours) == len(theirs) == RANK_KEY_LENGTH


def test_why_says_a_ticket_waits_on_the_customer_and_what_due_time_ranks_it():
    parts = why(facts(waiting=True, pinned=T0), pin_reason="CEO call")
    assert parts[0].startswith("waiting on the customer")
    assert "CEO call" in parts[1] and "when the customer answers" in parts[1]
    due = datetime(2026, 11, 26, 14, 5, tzinfo=UTC)
    assert "next update due 26 Nov 2026 14:05 UTC" in why(facts(due=due, answered=True))
    assert "waits on the customer" in why_below(facts(id=2, waiting=True), facts(id=1))
    answered = facts(id=1, due=T0, answered=True)
    assert "next update" in why_below(facts(id=2, due=T0 + timedelta(hours=1)), answered)


def test_equal_tickets_fall_back_to_age_then_id():
    older = facts(id=9, created=T0)
    newer = facts(id=3, created=T0 + timedelta(seconds=1))
    twin = facts(id=2, created=T0)
    assert rank([newer, older, twin]) == [twin, older, newer]


def test_rank_key_is_fixed_width_and_rejects_naive_instants():
    assert len(rank_key(facts())) == len(rank_key(facts(pinned=T0, due=T0)))
    with pytest.raises(ValueError):
        rank_key(facts(created=datetime(2026, 1, 1)))  # noqa: DTZ001


def test_why_names_the_key_parts():
    parts = why(facts(priority="p1", due=datetime(2026, 11, 26, 14, 5, tzinfo=UTC)))
    assert parts[:3] == ["priority p1", "tier enterprise", "due 26 Nov 2026 14:05 UTC"]
    assert why(facts(pinned=T0), pin_reason="CEO call")[0] == "pinned: CEO call"


def test_why_below_names_the_deciding_part():
    assert "higher priority" in why_below(facts(priority="p2"), facts(priority="p1"))
    assert "pre-sales comes before" in why_below(facts(tier="team"), facts(tier="presales"))
    assert "pinned" in why_below(facts(), facts(pinned=T0))


# Properties over random sets of tickets.
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
ticket_facts = st.builds(
    TicketFacts,
    id=st.integers(1, 10**9),
    tier=st.sampled_from(TIERS),
    priority=st.sampled_from(LEVELS),
    created_at=instants,
    due_at=st.none() | instants,
    pinned_at=st.none() | instants,
    waiting_on_customer=st.booleans(),
    answered=st.booleans(),
)
ticket_sets = st.lists(ticket_facts, min_size=1, max_size=40, unique_by=lambda t: t.id)


@settings(max_examples=300)
@given(ticket_sets)
def test_order_is_total_deterministic_with_exactly_one_number_one(tickets):
    keys = [sort_key(t) for t in tickets]
    assert len(set(keys)) == len(keys)  # total: no two tickets tie
    first = rank(tickets)
    assert rank(list(reversed(tickets))) == first  # the same data always gives the same order
    assert sum(1 for t in tickets if sort_key(t) < sort_key(first[0])) == 0  # one number one


@settings(max_examples=300)
@given(ticket_facts, ticket_facts)
def test_order_follows_r4_key_waiting_pin_priority_tier_due_created_id(a, b):
    if a.id == b.id:
        return

    def policy_key(t):
        far = datetime.max.replace(tzinfo=UTC)
        return (
            1 if t.waiting_on_customer else 0,
            0 if t.pinned_at else 1,
            t.pinned_at or far,
            LEVELS.index(t.priority),
            TIERS.index(t.tier),
            t.due_at or far,
            t.created_at,
            t.id,
        )

    assert (sort_key(a) < sort_key(b)) == (policy_key(a) < policy_key(b))


@given(ticket_facts, ticket_facts)
def test_pins_come_first(a, b):
    same_band = a.waiting_on_customer == b.waiting_on_customer
    if same_band and a.pinned_at and not b.pinned_at:
        assert sort_key(a) < sort_key(b)


@given(ticket_facts, ticket_facts)
def test_work_that_waits_on_us_comes_before_work_waiting_on_the_customer(a, b):
    if not a.waiting_on_customer and b.waiting_on_customer:
        assert sort_key(a) < sort_key(b)


@given(ticket_facts, ticket_facts)
def test_priority_dominates_tier_for_unpinned_work(a, b):
    same_band = a.waiting_on_customer == b.waiting_on_customer
    unpinned = not a.pinned_at and not b.pinned_at
    if same_band and unpinned and LEVELS.index(a.priority) < LEVELS.index(b.priority):
        assert sort_key(a) < sort_key(b)


# --- which tier work ranks in, from its source and account (R1, R9) ---------------------------


def test_internal_work_ranks_as_internal_and_has_no_account():
    from triage.priority import ticket_tier

    assert ticket_tier("internal", None) == ("internal", "")
    assert ticket_tier("internal", "team")[1] == "Internal work has no account: leave it null."


def test_customer_and_presales_work_rank_in_their_accounts_tier():
    from triage.priority import ticket_tier

    assert ticket_tier("customer", "enterprise") == ("enterprise", "")
    assert ticket_tier("presales", "presales") == ("presales", "")
    assert "needs an account" in ticket_tier("customer", None)[1]
    assert "prospect (tier 'presales') account" in ticket_tier("presales", "team")[1]
    assert "file it with source 'presales'" in ticket_tier("customer", "presales")[1]
