"""The queue's capacity level 1-8 and load state (R7, "Capacity levels" in PRODUCT.md).

Pure code: counts in, a `LoadResult` out. Per region, staffing = working / planned (1.0 when
nobody is planned); load = active cases / working engineers over all regions. The level is the
highest one whose staffing or load condition holds. Comparisons are plain float comparisons
against the thresholds as written, so 1 of 3 working (0.333...) is *not* "at or below 0.33".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

STATES = ("normal", "busy", "backed_up")
REGION_LABELS = {"emea": "EMEA", "americas": "Americas", "other": "other"}
_WAIT_LEVEL = 2  # R7: an oldest wait past the two-hour goal needs at least team coordination


@dataclass(frozen=True)
class LevelRule:
    """One row of the capacity-level table; a None threshold never triggers."""

    level: int
    name: str
    staffing_at_or_below: float | None
    load_above: float | None
    contingency: str


@dataclass(frozen=True)
class LoadResult:
    """The capacity level, its state, and the figures and reasons behind it."""

    level: int
    state: str  # "normal" (1) | "busy" (2-3) | "backed_up" (>= 4)
    staffing: dict[str, float]
    load: float | None  # None when nobody is working
    reasons: tuple[str, ...]


DEFAULT_RULES: tuple[LevelRule, ...] = (
    LevelRule(
        1,
        "business as usual",
        None,
        None,
        "Business as usual: work the queue in order and reply to everyone within about two hours.",
    ),
    LevelRule(
        2,
        "team coordination",
        0.8,
        5,
        "Coordinate as a team: say so in the team channel, rebalance assignments and "
        "pull in anyone who is free before the queue grows.",
    ),
    LevelRule(
        3,
        "pause non-customer work",
        0.5,
        7,
        "Pause non-customer work (projects, documentation, internal requests) until the "
        "queue is back to normal; customers come first.",
    ),
    LevelRule(
        4,
        "community replies within 24 h",
        0.4,
        8,
        "Free and open-source (community) tickets get a first reply within 24 hours "
        "instead of two, so paying customers and prospects are answered first.",
    ),
    LevelRule(
        5,
        "post-sales within 4 business hours",
        0.33,
        9,
        "Post-sales customers get a first reply within 4 business hours; keep contractual "
        "SLA targets and warn leadership that the queue is backed up.",
    ),
    LevelRule(
        6,
        "pre-sales within 2 business hours",
        0.2,
        9,
        "Pre-sales requests get a first reply within 2 business hours; customer engineers "
        "tell prospects that answers may take longer.",
    ),
    LevelRule(
        7,
        "CEs take first pass",
        0.1,
        10,
        "Customer engineers take the first pass on new tickets: gather context, answer "
        "what they can and hand over the rest with a summary.",
    ),
    LevelRule(
        8,
        "engineering helps directly",
        0,
        10,
        "Engineering answers tickets directly alongside support until staffing recovers; "
        "leadership checks in at least daily.",
    ),
)


def state_for_level(level: int) -> str:
    """Return the queue state for a capacity level."""
    if level < 1:
        raise ValueError(f"capacity levels start at 1, got {level}")
    if level == 1:
        return "normal"
    return "busy" if level <= 3 else "backed_up"


def _region_label(region: str) -> str:
    """Return a region's name as people write it."""
    return REGION_LABELS.get(region, region)


def _number(value: float) -> str:
    """Format a threshold as written in the table (0.4, 5, 0.33)."""
    return f"{value:g}"


def capacity_level(
    *,
    rules: Sequence[LevelRule],
    planned: Mapping[str, int],
    working: Mapping[str, int],
    active_cases: int,
    oldest_wait: timedelta | None = None,
    goal: timedelta = timedelta(hours=2),
) -> LoadResult:
    """Return the capacity level for the given staffing, active cases and oldest wait."""
    if not rules:
        raise ValueError("at least one capacity-level rule is needed")
    if active_cases < 0:
        raise ValueError("active cases must not be negative")
    staffing: dict[str, float] = {}
    for region in sorted(set(planned) | set(working)):
        p, w = planned.get(region, 0), working.get(region, 0)
        if p < 0 or w < 0:
            raise ValueError(f"{region}: engineer counts must not be negative")
        if w > p:
            raise ValueError(f"{region}: {w} working but only {p} planned")
        staffing[region] = w / p if p else 1.0  # nobody planned is not a shortage
    total_working = sum(working.values())
    load = active_cases / total_working if total_working else None

    # The rule's level wins at each level; reasons collect what triggered the winning one.
    level, reasons = 1, []
    for rule in rules:
        hits: list[str] = []
        if rule.staffing_at_or_below is not None:
            for region, value in staffing.items():
                if value <= rule.staffing_at_or_below:
                    hits.append(
                        f"{_region_label(region)} staffing {value:.2f} ≤ "
                        f"{_number(rule.staffing_at_or_below)}"
                        + (" (nobody working of those planned)" if value == 0 else "")
                    )
        if rule.load_above is not None and load is not None and load > rule.load_above:
            hits.append(f"load {load:.2f} > {_number(rule.load_above)}")
        if hits and rule.level > level:
            level, reasons = rule.level, hits

    # "Any active case with nobody working counts as level 8": the top level of the table.
    if active_cases and not total_working:
        top = max(rule.level for rule in rules)
        if top > level:
            level, reasons = top, []
        reasons.append(f"{active_cases} active case(s) and nobody working")

    if oldest_wait is not None and oldest_wait > goal:
        if level < _WAIT_LEVEL:
            level, reasons = _WAIT_LEVEL, []
        reasons.append(f"oldest wait {_duration(oldest_wait)} is over the {_duration(goal)} goal")
    return LoadResult(
        level=level,
        state=state_for_level(level),
        staffing=staffing,
        load=load,
        reasons=tuple(reasons),
    )


def _duration(value: timedelta) -> str:
    """Format a wait as hours and minutes, e.g. "2 h 05 min"."""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
