"""REST API v1 for pre-sales (PRODUCT.md): requests, exceptions, trial channels. Thin views."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from presales import rules, selectors, services
from presales.serializers import (
    ChannelIn,
    ChannelOut,
    DecisionIn,
    ExceptionIn,
    ExceptionOut,
    PresalesRequestIn,
    PresalesRequestOut,
    TicketOut,
)
from shared import roles
from triage.apis import CONFLICT, ticket_response
from triage.models import Channel
from triage.selectors import positions_of, visible_tickets

CE_SUPPORT_LEADERSHIP = roles.role_permission(roles.CE, roles.SUPPORT, roles.LEADERSHIP)
SUPPORT_LEADERSHIP = roles.role_permission(roles.SUPPORT, roles.LEADERSHIP)


def _request_rows(requests) -> list:
    tickets = [r.ticket for r in requests]
    return PresalesRequestOut(tickets, many=True, context={"positions": positions_of(tickets)}).data


class PresalesRequestListApi(generics.ListCreateAPIView):
    serializer_class = PresalesRequestOut

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles.IsCE()]
        return [CE_SUPPORT_LEADERSHIP()]

    def get_queryset(self):
        return selectors.requests_for(self.request.user)

    @extend_schema(responses=PresalesRequestOut(many=True))
    def get(self, request):
        """List pre-sales requests: a CE its own, support and leadership every one."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(_request_rows(page))

    @extend_schema(request=PresalesRequestIn, responses={201: TicketOut})
    def post(self, request):
        """File a pre-sales request (CE): its presales ticket enters the ranked queue."""
        data = PresalesRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        key_dates, leftover = rules.parse_key_dates(v["key_dates"])
        created = services.presales_request_create(
            by=request.user,
            account=v["account"],
            summary=v["summary"],
            attempted_and_expected=v["attempted_and_expected"],
            steps_taken=v["steps_taken"],
            impact=v["impact"],
            impact_scope=v["impact_scope"],
            design_doc_links=v["design_doc_links"],
            sales_context=v["sales_context"],
            key_dates=[(k.date, k.label) for k in key_dates],
            key_dates_text=leftover,
            channel=Channel.API,
        )
        return ticket_response(created.ticket, status.HTTP_201_CREATED)


class PresalesRequestDetailApi(APIView):
    permission_classes = [CE_SUPPORT_LEADERSHIP]

    @extend_schema(responses=PresalesRequestOut)
    def get(self, request, pk: int):
        """One request (same id as its ticket); another CE's request is 404."""
        r = get_object_or_404(selectors.requests_for(request.user), pk=pk)
        return Response(_request_rows([r])[0])


class ExceptionListApi(generics.ListCreateAPIView):
    serializer_class = ExceptionOut

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles.IsCE()]
        return [CE_SUPPORT_LEADERSHIP()]

    def get_queryset(self):
        qs = selectors.exceptions_for(self.request.user).prefetch_related("history__actor")
        wanted = self.request.query_params.get("status")
        return qs.filter(status=wanted) if wanted else qs

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["pending", "approved", "denied"])],
        responses=ExceptionOut(many=True),
    )
    def get(self, request):
        """Exceptions: a CE its own, support and leadership all (?status=pending: open ones)."""
        return super().list(request)

    @extend_schema(request=ExceptionIn, responses={201: ExceptionOut})
    def post(self, request):
        """Ask CS leadership for an exception to the pre-sales process (CE)."""
        data = ExceptionIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if (
            v["ticket"] is not None
            and not visible_tickets(request.user).filter(pk=v["ticket"].pk).exists()
        ):
            return Response({"ticket": ["Not one of your requests."]}, status=400)
        e = services.exception_request(by=request.user, **v)
        e = selectors.exceptions_for(request.user).prefetch_related("history__actor").get(pk=e.pk)
        return Response(ExceptionOut(e).data, status=status.HTTP_201_CREATED)


class ExceptionDetailApi(APIView):
    permission_classes = [CE_SUPPORT_LEADERSHIP]

    @extend_schema(responses=ExceptionOut)
    def get(self, request, pk: int):
        e = get_object_or_404(
            selectors.exceptions_for(request.user).prefetch_related("history__actor"), pk=pk
        )
        return Response(ExceptionOut(e).data)


class ExceptionDecideApi(APIView):
    permission_classes = [roles.role_permission(roles.LEADERSHIP)]

    @extend_schema(request=DecisionIn, responses={200: ExceptionOut, 409: CONFLICT})
    def post(self, request, pk: int):
        """Approve or deny an exception with a note (leadership); both sides are emailed."""
        e = get_object_or_404(selectors.exceptions_for(request.user), pk=pk)
        data = DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.exception_decide(
            exception=e,
            by=request.user,
            approve=data.validated_data["decision"] == "approve",
            note=data.validated_data["note"],
        )
        e = selectors.exceptions_for(request.user).prefetch_related("history__actor").get(pk=pk)
        return Response(ExceptionOut(e).data)


class ChannelListApi(generics.ListCreateAPIView):
    serializer_class = ChannelOut

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles.IsSupport()]
        return [SUPPORT_LEADERSHIP()]

    def get_queryset(self):
        return selectors.joined_channels()

    @extend_schema(responses=ChannelOut(many=True))
    def get(self, request):
        """Every trial channel a support engineer is in right now."""
        return super().list(request)

    @extend_schema(request=ChannelIn, responses={201: ChannelOut, 409: CONFLICT})
    def post(self, request):
        """Record joining a prospect's trial channel for a ticket (support)."""
        data = ChannelIn(data=request.data)
        data.is_valid(raise_exception=True)
        e = services.channel_join(by=request.user, **data.validated_data)
        return Response(ChannelOut(e).data, status=status.HTTP_201_CREATED)


class ChannelLeaveApi(APIView):
    permission_classes = [roles.IsSupport]

    @extend_schema(
        request=None,
        responses={
            200: ChannelOut,
            403: OpenApiResponse(description="Someone else's engagement"),
            404: OpenApiResponse(description="Unknown"),
            409: CONFLICT,
        },
    )
    def post(self, request, pk: int):
        """Record leaving the trial channel."""
        e = selectors.own_engagement(request.user, pk)
        e = services.channel_leave(engagement=e, by=request.user)
        return Response(ChannelOut(e).data)
