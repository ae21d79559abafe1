"""REST API v1 for escalations (R8): support escalates, engineering decides, support answers."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from escalations import selectors as selectors
from escalations import services as services
from escalations.models import Escalation, EscalationState
from escalations.serializers import AnswerIn, DecisionIn, EscalationIn, EscalationOut
from shared import roles
from triage.apis import CONFLICT, ticket_for_request

# Who may read escalations: support follows theirs, engineering decides, leadership watches.
CanRead = roles.role_permission(roles.SUPPORT, roles.ENGINEERING, roles.LEADERSHIP)
IsEngineering = roles.role_permission(roles.ENGINEERING)


def escalation_response(escalation: Escalation, code: int = status.HTTP_200_OK) -> Response:
    escalation = selectors.escalations_with_context().get(pk=escalation.pk)
    return Response(EscalationOut(escalation).data, status=code)


def _escalation_for(pk: int) -> Escalation:
    return get_object_or_404(Escalation, pk=pk)


class TicketEscalationsApi(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [roles.IsSupport()]
        return [CanRead()]

    @extend_schema(responses=EscalationOut(many=True), summary="A ticket's escalations")
    def get(self, request, pk: int):
        ticket = ticket_for_request(request, pk)
        return Response(EscalationOut(selectors.ticket_escalations(ticket), many=True).data)

    @extend_schema(
        request=EscalationIn,
        responses={201: EscalationOut, 409: CONFLICT},
        summary="Escalate a ticket to engineering with its full context",
    )
    def post(self, request, pk: int):
        ticket = ticket_for_request(request, pk)
        data = EscalationIn(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.escalation_create(
            ticket=ticket, by=request.user, **data.validated_data
        )
        return escalation_response(escalation, status.HTTP_201_CREATED)


class EscalationListApi(generics.ListAPIView):
    serializer_class = EscalationOut
    permission_classes = [CanRead]

    def get_queryset(self):
        state = self.request.query_params.get("state") or None
        return selectors.escalation_list(state=state)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                enum=EscalationState.values,
                description="Only escalations in this state; open ones come in inbox order.",
            )
        ],
        summary="List escalations",
    )
    def get(self, request, *args, **kwargs):
        state = request.query_params.get("state")
        if state and state not in EscalationState.values:
            return Response(
                {"state": [f"“{state}” is not one of: {', '.join(EscalationState.values)}."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return super().get(request, *args, **kwargs)


class EscalationDetailApi(APIView):
    def get_permissions(self):
        if self.request.method == "PATCH":
            return [IsEngineering()]
        return [CanRead()]

    @extend_schema(responses=EscalationOut, summary="One escalation")
    def get(self, request, pk: int):
        return escalation_response(_escalation_for(pk))

    @extend_schema(
        request=DecisionIn,
        responses={200: EscalationOut, 409: CONFLICT},
        summary="Engineering's decision: accept (target_date), ask (question), decline (reason)",
    )
    def patch(self, request, pk: int):
        escalation = _escalation_for(pk)
        data = DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.escalation_decide(
            escalation=escalation, by=request.user, **data.validated_data
        )
        return escalation_response(escalation)


class EscalationAnswerApi(APIView):
    permission_classes = [roles.IsSupport]

    @extend_schema(
        request=AnswerIn,
        responses={200: EscalationOut, 409: CONFLICT},
        summary="Support answers engineering's question; the escalation returns to the inbox",
    )
    def post(self, request, pk: int):
        escalation = _escalation_for(pk)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.escalation_answer(
            escalation=escalation, by=request.user, **data.validated_data
        )
        return escalation_response(escalation)
