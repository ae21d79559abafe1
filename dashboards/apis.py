"""REST API v1 for the leadership dashboard's figures, so leadership can pull them into tools."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards import figures as dashboard
from shared import roles

# Leadership owns the dashboard; support may read the same figures (read-only: GET only).
DashboardReaders = roles.role_permission(roles.LEADERSHIP, roles.SUPPORT)

_CELL = {
    "tier": serializers.CharField(),
    "count": serializers.IntegerField(),
    "oldest_minutes": serializers.IntegerField(allow_null=True),
}


_TICKET_ROW = {
    "id": serializers.IntegerField(),
    "title": serializers.CharField(),
    "account": serializers.CharField(),
    "tier": serializers.CharField(),
    "priority": serializers.CharField(),
    "status": serializers.CharField(),
    "assignee": serializers.CharField(),
    "age_minutes": serializers.IntegerField(),
    "due_at": serializers.DateTimeField(allow_null=True),
    "key_date": serializers.CharField(required=False, allow_null=True),
    # Escalation rows only: pending ("open", "needs_context") or scheduled ("accepted").
    "escalation": serializers.IntegerField(required=False),
    "urgency": serializers.CharField(required=False),
    "state": serializers.CharField(required=False),
    "customer_deadline": serializers.DateField(required=False, allow_null=True),
    "target_date": serializers.DateField(required=False, allow_null=True),
}
DashboardTicketRowOut = type("DashboardTicketRowOut", (serializers.Serializer,), _TICKET_ROW)


def _ticket_rows():
    return DashboardTicketRowOut(many=True)


FIGURE_SCHEMAS = {
    "matrix": inline_serializer(
        "OpenMatrix",
        {
            "tiers": inline_serializer(
                "MatrixTier",
                {"value": serializers.CharField(), "label": serializers.CharField()},
                many=True,
            ),
            "rows": inline_serializer(
                "MatrixRow",
                {
                    "priority": serializers.CharField(),
                    "cells": inline_serializer("MatrixCell", _CELL, many=True),
                    "total": serializers.IntegerField(),
                },
                many=True,
            ),
            "total": serializers.IntegerField(),
        },
    ),
    "attainment": inline_serializer(
        "Attainment",
        {
            "rows": inline_serializer(
                "AttainmentRow",
                {
                    "target": serializers.ChoiceField(choices=["contractual", "goal"]),
                    "days": serializers.IntegerField(),
                    "met": serializers.IntegerField(),
                    "missed": serializers.IntegerField(),
                    "attainment": serializers.FloatField(allow_null=True),
                },
                many=True,
            )
        },
    ),
    "response_times": inline_serializer(
        "ResponseTimes",
        {
            "rows": inline_serializer(
                "ResponseTimeRow",
                {
                    "days": serializers.IntegerField(),
                    "answered": serializers.IntegerField(),
                    "median_minutes": serializers.FloatField(allow_null=True),
                    "p90_minutes": serializers.FloatField(allow_null=True),
                },
                many=True,
            )
        },
    ),
    "backlog": inline_serializer(
        "BacklogTrend",
        {
            "days": serializers.IntegerField(),
            "points": inline_serializer(
                "BacklogPoint",
                {
                    "day": serializers.DateField(),
                    "open": serializers.IntegerField(),
                    "filed": serializers.IntegerField(),
                    "closed": serializers.IntegerField(),
                },
                many=True,
            ),
        },
    ),
    "escalations": inline_serializer("OpenEscalations", {"rows": _ticket_rows()}),
    "presales": inline_serializer(
        "PresalesRequests",
        {
            "rows": _ticket_rows(),
            "key_dates_available": serializers.BooleanField(),
        },
    ),
}
# Figures other developers' apps fill at merge: free-form until then (null = not available).
for _name in ("load", "staffing", "exceptions", "channels"):
    FIGURE_SCHEMAS[_name] = serializers.JSONField(allow_null=True)

DashboardOut = inline_serializer(
    "Dashboard",
    {"generated_at": serializers.DateTimeField(), **FIGURE_SCHEMAS},
)


class DashboardApi(APIView):
    permission_classes = [DashboardReaders]

    @extend_schema(
        summary="Every leadership dashboard figure",
        description="Open work by priority × tier, first-response attainment (7/30 days, "
        "contractual and two-hour goal), median and 90th-percentile first-response minutes, "
        "the 30-day backlog, open escalations and pre-sales requests. `load`, `staffing`, "
        "`exceptions` and `channels` are null until their features are deployed.",
        responses=DashboardOut,
    )
    def get(self, request):
        now = timezone.now()
        return Response({"generated_at": now, **dashboard.dashboard_figures(now)})


class DashboardFigureApi(APIView):
    permission_classes = [DashboardReaders]

    @extend_schema(
        summary="One leadership dashboard figure",
        operation_id="dashboard_figure_retrieve",
        parameters=[
            OpenApiParameter(
                "figure", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(dashboard.FIGURES)
            )
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, figure: str):
        if figure not in dashboard.FIGURES:
            raise Http404
        now = timezone.now()
        return Response(dashboard.dashboard_figure(figure, now))
