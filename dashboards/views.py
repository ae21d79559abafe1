"""The leadership dashboard page and its CSV downloads: thin views over dashboards.figures."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dashboards import figures as dashboard
from shared import roles


def _require_leadership(user) -> None:
    if not roles.has_role(user, roles.LEADERSHIP):
        raise PermissionDenied("The dashboard is for leadership.")


@login_required
def dashboard_page(request):
    _require_leadership(request.user)
    now = timezone.now()
    figures = dashboard.dashboard_figures(now)
    chart = {
        "labels": [p["day"] for p in figures["backlog"]["points"]],
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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = now.strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{figure}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(headers)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return response
