"""REST API v1 for the ranked queue, the atomic claim, staffing and the load state (R7)."""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from queues import rota, selectors, services
from queues.models import Region
from shared import roles
from shared.api import InputSerializer, LineField, StrictCharField, StrictChoiceField
from shared.pagination import MAX_LIMIT, page_params
from triage.apis import ticket_response
from triage.selectors import queue_number_one, queue_page
from triage.serializers import QueueEntryOut, TicketOut

NO_TICKET = OpenApiResponse(description="No unclaimed open ticket.")


class QueueParams(serializers.Serializer):
    """The queue's own filter; limit and offset are parsed as for every list (page_params)."""

    assigned = serializers.BooleanField(required=False, allow_null=True, default=None)


class QueuePageOut(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = QueueEntryOut(many=True)


def _page_url(request, offset: int, limit: int) -> str:
    query = request.query_params.copy()
    query["offset"], query["limit"] = str(offset), str(limit)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class QueueApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1–{MAX_LIMIT}, default 50"),
            OpenApiParameter("offset", OpenApiTypes.INT),
            OpenApiParameter("assigned", OpenApiTypes.BOOL, description="false: unclaimed only"),
        ],
        responses=QueuePageOut,
    )
    def get(self, request):
        limit, offset = page_params(request)
        params = QueueParams(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        page = queue_page(
            limit=limit,
            offset=offset,
            assigned=params.validated_data["assigned"],
            accounts=False,  # the API shows the account's id
        )
        positions = {t.pk: position for position, t in page.rows}
        # QueueEntryOut's shape, written directly: DRF's generic serializer walk per entry
        # cost a fifth of this endpoint (issue 14).
        ticket_out = TicketOut(context={"positions": positions})
        return Response(
            {
                "next": _page_url(request, offset + limit, limit) if page.has_next else None,
                "previous": _page_url(request, max(offset - limit, 0), limit) if offset else None,
                "results": [
                    {"position": position, "ticket": ticket_out.to_representation(t)}
                    for position, t in page.rows
                ],
            }
        )


class QueueNextApi(APIView):
    @extend_schema(responses={200: TicketOut, 204: NO_TICKET})
    def get(self, request):
        ticket = queue_number_one()
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        positions = {ticket.pk: ticket.position}
        return Response(TicketOut(ticket, context={"positions": positions}).data)


class QueueClaimApi(APIView):
    permission_classes = [roles.IsSupport]

    @extend_schema(request=None, responses={200: TicketOut, 204: NO_TICKET})
    def post(self, request):
        ticket = services.queue_claim(by=request.user)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return ticket_response(ticket)


# --- Staffing and load (R7) ----------------------------------------------------------------


class SpanRow(serializers.Serializer):
    day = serializers.IntegerField(min_value=0, max_value=6, help_text="0 Monday … 6 Sunday")
    start = serializers.CharField(help_text="HH:MM local time")
    end = serializers.CharField(help_text="HH:MM local time; before start crosses midnight")


class AbsenceOut(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    reason = serializers.CharField()


class StaffOut(serializers.Serializer):
    username = serializers.CharField()
    timezone = serializers.CharField()
    region = serializers.CharField()
    weekly_hours = SpanRow(many=True)
    duty_hours = SpanRow(many=True)
    absences = AbsenceOut(many=True)
    working_now = serializers.BooleanField()
    on_duty_now = serializers.BooleanField()


class StaffIn(InputSerializer):
    timezone = StrictCharField(max_length=64)
    region = StrictChoiceField(Region.values)
    weekly_hours = serializers.ListField(child=serializers.JSONField(), allow_empty=True)
    duty_hours = serializers.ListField(
        child=serializers.JSONField(), allow_empty=True, required=False
    )


class AbsenceIn(InputSerializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    reason = LineField(max_length=200, required=False, default="", allow_blank=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["The absence must end after it starts."]})
        return attrs


class HealthParams(InputSerializer):
    at = serializers.DateTimeField(required=False)


class HealthOut(serializers.Serializer):
    state = serializers.ChoiceField(["normal", "busy", "backed_up"])
    level = serializers.IntegerField(min_value=1, max_value=8)
    open_unanswered = serializers.IntegerField()
    active_per_engineer = serializers.FloatField(allow_null=True)
    on_shift = serializers.IntegerField()
    oldest_wait_minutes = serializers.IntegerField(allow_null=True)
    next_arrival_at = serializers.DateTimeField(allow_null=True)
    at = serializers.DateTimeField()
    active_cases = serializers.IntegerField()
    planned = serializers.IntegerField()
    contingency = serializers.CharField(source="rule.contingency")
    level_name = serializers.CharField(source="rule.name")
    reasons = serializers.ListField(child=serializers.CharField(), source="result.reasons")
    staffing = serializers.DictField(child=serializers.FloatField(), source="result.staffing")


def staff_data(row: selectors.StaffRow, now) -> dict:
    engineer = row.engineer
    return {
        "username": row.user.username,
        "timezone": row.profile.timezone,
        "region": row.profile.region,
        "weekly_hours": row.profile.weekly_hours,
        "duty_hours": row.profile.duty_hours,
        "absences": [a for a in row.absences],
        "working_now": rota.is_working(engineer, now),
        "on_duty_now": rota.is_on_duty(engineer, now),
    }


def _staff_for_edit(request, username: str) -> selectors.StaffRow:
    """Return the engineer the caller may edit: leadership anyone, support only themselves."""
    row = selectors.staff_member(username)
    if row is None:
        raise NotFound(f"No support engineer named {username}.")
    if roles.has_role(request.user, roles.LEADERSHIP):
        return row
    if roles.has_role(request.user, roles.SUPPORT) and request.user.pk == row.user.pk:
        return row
    raise PermissionDenied("Support engineers edit their own hours; leadership edits anyone's.")


class StaffListApi(APIView):
    @extend_schema(responses=StaffOut(many=True))
    def get(self, request):
        now = timezone.now()
        rows = selectors.support_staff(absences_after=now)
        return Response(StaffOut([staff_data(r, now) for r in rows], many=True).data)


class StaffDetailApi(APIView):
    permission_classes = [roles.IsSupportOrLeadership]

    @extend_schema(request=StaffIn, responses={200: StaffOut})
    def put(self, request, username: str):
        row = _staff_for_edit(request, username)
        data = StaffIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.staff_update(
            user=row.user,
            by=request.user,
            timezone_name=v["timezone"],
            region=v["region"],
            weekly_hours=v["weekly_hours"],
            duty_hours=v.get("duty_hours"),
        )
        now = timezone.now()
        fresh = selectors.staff_member(username)
        fresh = replace(fresh, absences=tuple(a for a in fresh.absences if a.end > now))
        return Response(StaffOut(staff_data(fresh, now)).data)


class StaffAbsenceApi(APIView):
    permission_classes = [roles.IsSupportOrLeadership]

    @extend_schema(request=AbsenceIn, responses={201: AbsenceOut})
    def post(self, request, username: str):
        row = _staff_for_edit(request, username)
        data = AbsenceIn(data=request.data)
        data.is_valid(raise_exception=True)
        absence = services.absence_add(user=row.user, by=request.user, **data.validated_data)
        return Response(AbsenceOut(absence).data, status=status.HTTP_201_CREATED)


class QueueHealthApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "at",
                OpenApiTypes.DATETIME,
                description="Evaluate the rota at this ISO 8601 instant (planning); default now",
            )
        ],
        responses=HealthOut,
    )
    def get(self, request):
        params = HealthParams(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        health = selectors.queue_health(at=params.validated_data.get("at"))
        return Response(HealthOut(health).data)
