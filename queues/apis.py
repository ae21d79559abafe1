"""REST API v1 for the ranked queue: list, number one, and the atomic claim."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from queues import selectors, services
from triage import roles
from triage.apis import ticket_response
from triage.pagination import MAX_LIMIT
from triage.serializers import InputSerializer, QueueEntryOut, TicketOut

NO_TICKET = OpenApiResponse(description="No unclaimed open ticket.")


class QueueParams(InputSerializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    assigned = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        # Query strings carry other parameters too (format, cache busters): only ours matter.
        return attrs


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
        params = QueueParams(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        limit, offset, assigned = (
            params.validated_data[k] for k in ("limit", "offset", "assigned")
        )
        tickets = selectors.open_queue()
        if assigned is not None:
            tickets = tickets.filter(assignee__isnull=not assigned)
        # One row past the page says whether there is a next page, without counting the queue.
        page = list(tickets[offset : offset + limit + 1])
        has_next, page = len(page) > limit, page[:limit]
        if assigned is None:
            positions = {t.pk: offset + i + 1 for i, t in enumerate(page)}
        else:
            positions = selectors.positions_of(page)
        entries = [{"position": positions[t.pk], "ticket": t} for t in page]
        return Response(
            {
                "next": _page_url(request, offset + limit, limit) if has_next else None,
                "previous": _page_url(request, max(offset - limit, 0), limit) if offset else None,
                "results": QueueEntryOut(entries, many=True, context={"positions": positions}).data,
            }
        )


class QueueNextApi(APIView):
    @extend_schema(responses={200: TicketOut, 204: NO_TICKET})
    def get(self, request):
        ticket = selectors.queue_number_one()
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        positions = {ticket.pk: selectors.position_of(ticket)}
        return Response(TicketOut(ticket, context={"positions": positions}).data)


class QueueClaimApi(APIView):
    permission_classes = [roles.IsSupport]

    @extend_schema(request=None, responses={200: TicketOut, 204: NO_TICKET})
    def post(self, request):
        ticket = services.queue_claim(by=request.user)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return ticket_response(ticket)
