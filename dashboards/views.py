"""The leadership dashboard page and its CSV downloads: thin views over dashboards.figures."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from dashboards import figures as dashboard
from shared import display, roles
from shared.exports import csv_response


def _require_leadership(user) -> None:
    if not roles.has_role(user, roles.LEADERSHIP):
        raise PermissionDenied("The dashboard is for leadership.")


@login_required
def dashboard_page(request):
    _require_leadership(request.user)
    now = timezone.now()
    figures = dashboard.dashboard_figures(now)
    chart = {
        # The chart's axis says days as every page does ("4 Nov"), not the API's ISO dates.
        "labels": [
            display.day(date.fromisoformat(p["day"]), now.date())
            for p in figures["backlog"]["points"]
        ],
        "open": [p["open"] for p in figures["backlog"]["points"]],
        "filed": [p["filed"] for p in figures["backlog"]["points"]],
        "closed": [p["closed"] for p in figures["backlog"]["points"]],
    }
    return render(
        request,
        "dashboards/dashboard.html",
        {"now": now, "figures": figures, "chart": chart, "windows": dashboard.WINDOWS},
    )


@login_required
def dashboard_csv(request, figure: str):
    _require_leadership(request.user)
    if figure not in dashboard.FIGURES:
        raise Http404("No such figure.")
    now = timezone.now()
    headers, rows = dashboard.figure_table(figure, dashboard.dashboard_figure(figure, now))
    stamp = now.strftime("%Y%m%d-%H%M")
    return csv_response(f"dashboard-{figure}-{stamp}.csv", headers, rows)
