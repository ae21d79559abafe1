"""The leadership dashboard's figures (R6, R7): aggregations in SQL, a constant query count.

Each figure is one function of `now` returning plain data (`dashboards.work` for the work
itself, `dashboards.lists` for what other apps own); `dashboard_figures` gathers them for the
page and the API, and `figure_table` flattens any figure into CSV rows.
"""

from __future__ import annotations

from datetime import datetime

from dashboards.lists import (
    LIST_LIMIT,
    dashboard_channels,
    dashboard_exceptions,
    dashboard_load,
    dashboard_staffing,
    open_escalations,
    presales_key_dates,
    presales_requests,
)
from dashboards.work import (
    TREND_DAYS,
    WINDOWS,
    attainment,
    backlog_trend,
    open_matrix,
    response_times,
)

__all__ = [
    "FIGURES",
    "LIST_LIMIT",
    "TREND_DAYS",
    "WINDOWS",
    "attainment",
    "backlog_trend",
    "dashboard_channels",
    "dashboard_exceptions",
    "dashboard_figure",
    "dashboard_figures",
    "dashboard_load",
    "dashboard_staffing",
    "figure_table",
    "open_escalations",
    "open_matrix",
    "presales_key_dates",
    "presales_requests",
    "response_times",
]

FIGURES = (
    "matrix",
    "attainment",
    "response_times",
    "backlog",
    "load",
    "staffing",
    "escalations",
    "presales",
    "exceptions",
    "channels",
)


_BUILDERS = {
    "matrix": open_matrix,
    "attainment": attainment,
    "response_times": response_times,
    "backlog": backlog_trend,
    "load": dashboard_load,
    "staffing": dashboard_staffing,
    "escalations": open_escalations,
    "presales": presales_requests,
    "exceptions": dashboard_exceptions,
    "channels": dashboard_channels,
}
assert tuple(_BUILDERS) == FIGURES


def dashboard_figure(name: str, now: datetime) -> dict | None:
    """Return one figure by name (KeyError for an unknown one)."""
    return _BUILDERS[name](now)


def dashboard_figures(now: datetime) -> dict:
    """Return every figure: the page, the API and the CSV downloads share this."""
    return {name: builder(now) for name, builder in _BUILDERS.items()}


# --- CSV ---------------------------------------------------------------------------------


def figure_table(name: str, data: dict | None) -> tuple[list[str], list[list]]:
    """Flatten a figure into a header row and data rows for CSV."""
    if data is None:
        return ["note"], [["not available yet"]]
    if name == "matrix":
        headers = ["priority", "tier", "open", "oldest_minutes"]
        rows = [
            [r["priority"], c["tier"], c["count"], c["oldest_minutes"]]
            for r in data["rows"]
            for c in r["cells"]
        ]
        return headers, rows
    if name == "backlog":
        return ["day", "open", "filed", "closed"], [
            [p["day"], p["open"], p["filed"], p["closed"]] for p in data["points"]
        ]
    if name == "load":
        headers = ["start", "end", "level", "state"]
        history = data.get("history", [])
        now_row = ["now", "", data["level"], data["state"]]
        return headers, [now_row] + [[h.get(k) for k in headers] for h in history]
    if name == "staffing":
        rows = [["on_shift", e.get("username"), e.get("until")] for e in data["on_shift"]]
        rows += [["arrival", a.get("username"), a.get("at")] for a in data["next_arrivals"]]
        return ["kind", "username", "at"], rows or [["none", "", ""]]
    items = data.get("rows", [])
    headers = list(items[0]) if items else ["note"]
    return headers, [[item.get(h) for h in headers] for item in items] if items else [["none"]]
