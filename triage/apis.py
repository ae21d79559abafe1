"""REST API v1 for accounts and tickets (PRODUCT.md "REST API v1"): thin views over services."""

from __future__ import annotations

import re

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from shared import roles
from triage import services
from triage.models import Account, Channel, Message, Ticket
from triage.selectors import (
    account_addresses,
    position_of,
    ticket_messages,
    ticket_timeline,
    tickets_with_relations,
    visible_tickets,
)
from triage.serializers import (
    AccountAddressIn,
    AccountAddressOut,
    AccountIn,
    AccountOut,
    EventOut,
    MessageOut,
    ReasonIn,
    ReplyIn,
    TicketIn,
    TicketOut,
    TicketPatchIn,
    TriageIn,
)

CONFLICT = OpenApiResponse(description="The change does not fit the ticket's current state.")


def ticket_for_request(request, pk: int) -> Ticket:
    """Return a ticket the caller may read; 404 hides tickets they may not know of."""
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    if not (roles.is_staff_role(request.user) or roles.has_role(request.user, roles.CE)):
        raise PermissionDenied("Your role has no access to tickets.")
    return get_object_or_404(visible_tickets(request.user), pk=pk)


def ticket_response(ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
    ticket = tickets_with_relations().get(pk=ticket.pk)
    context = {"positions": {ticket.pk: position_of(ticket)}}
    return Response(TicketOut(ticket, context=context).data, status=code)


class AccountListApi(generics.ListCreateAPIView):
    queryset = Account.objects.all().order_by("name")
    serializer_class = AccountOut
    filterset_fields = ["tier", "deployment"]

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles.IsSupportOrLeadership()]
        return [roles.IsStaffRole()]

    @extend_schema(request=AccountIn, responses={201: AccountOut})
    def post(self, request):
        data = AccountIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        account = services.account_create(
            name=v["name"],
            tier=v["tier"],
            deployment=v["deployment"],
            premium=v["premium"],
            timezone_name=v["timezone"],
            contact_email=v["contact_email"],
        )
        return Response(AccountOut(account).data, status=status.HTTP_201_CREATED)


class AccountDetailApi(generics.RetrieveAPIView):
    queryset = Account.objects.all()
    serializer_class = AccountOut


class AccountAddressesApi(APIView):
    """The addresses and domains that map senders to this account (issue 13)."""

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles.IsSupportOrLeadership()]
        return [roles.IsStaffRole()]

    @extend_schema(responses=AccountAddressOut(many=True))
    def get(self, request, pk: int):
        account = get_object_or_404(Account, pk=pk)
        return Response(AccountAddressOut(account_addresses(account), many=True).data)

    @extend_schema(request=AccountAddressIn, responses={201: AccountAddressOut})
    def post(self, request, pk: int):
        account = get_object_or_404(Account, pk=pk)
        data = AccountAddressIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.account_address_add(account=account, by=request.user, **data.validated_data)
        return Response(AccountAddressOut(row).data, status=status.HTTP_201_CREATED)


class AccountAddressRemoveApi(APIView):
    permission_classes = [roles.IsSupportOrLeadership]

    @extend_schema(request=None, responses={200: AccountAddressOut})
    def post(self, request, pk: int, address_id: int):
        """Stop mapping senders through it; the row is kept with who removed it and when."""
        account = get_object_or_404(Account, pk=pk)
        row = get_object_or_404(account_addresses(account), pk=address_id)
        row = services.account_address_remove(address=row, by=request.user)
        return Response(AccountAddressOut(row).data)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description=(
        "Optional, up to 100 printable ASCII characters, unique per request you mean. Retrying a "
        "POST with the same key returns the ticket it filed (201, header Idempotent-Replayed: "
        "true) instead of filing a second one."
    ),
)
IDEMPOTENCY_CONFLICT = "The Idempotency-Key already filed a ticket with other content."
_KEY_CHARACTERS = re.compile(r"[\x21-\x7e]{1,100}")


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if key and not _KEY_CHARACTERS.fullmatch(key):
        raise serializers.ValidationError(
            {"Idempotency-Key": ["Use 1 to 100 printable ASCII characters, without spaces."]}
        )
    return key


class TicketListApi(generics.ListCreateAPIView):
    serializer_class = TicketOut
    filterset_fields = ["status", "priority", "severity", "tier", "source", "account"]

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles.IsSupportOrLeadership()]
        return [roles.role_permission(*roles.STAFF_ROLES, roles.CE)()]

    def get_queryset(self):
        return visible_tickets(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=TicketIn,
        responses={201: TicketOut, 409: OpenApiResponse(description=IDEMPOTENCY_CONFLICT)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        key = _idempotency_key(request)
        data = TicketIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        fields = {
            "title": v["title"],
            "description": v["description"],
            "source": v["source"],
            "account": v["account"],
            "severity": v["severity"],
            "requester": v["requester"],
            "by": request.user,
            "channel": Channel.API,
        }
        if not key:
            return ticket_response(services.ticket_create(**fields), status.HTTP_201_CREATED)
        ticket, filed_now = services.ticket_create_once(request_key=key, **fields)
        answer = ticket_response(ticket, status.HTTP_201_CREATED)
        if not filed_now:
            answer["Idempotent-Replayed"] = "true"
        return answer


class TicketDetailApi(APIView):
    def get_permissions(self):
        if self.request.method == "PATCH":
            return [roles.IsSupport()]
        return [IsAuthenticated()]

    @extend_schema(responses=TicketOut)
    def get(self, request, pk: int):
        return ticket_response(ticket_for_request(request, pk))

    @extend_schema(request=TicketPatchIn, responses={200: TicketOut, 409: CONFLICT})
    def patch(self, request, pk: int):
        ticket = ticket_for_request(request, pk)
        data = TicketPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_update(ticket=ticket, by=request.user, **data.validated_data)
        return ticket_response(ticket)


class TicketTriageApi(APIView):
    permission_classes = [roles.IsSupport]

    @extend_schema(request=TriageIn, responses={200: TicketOut, 409: CONFLICT})
    def post(self, request, pk: int):
        ticket = ticket_for_request(request, pk)
        data = TriageIn(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_triage(ticket=ticket, by=request.user, **data.validated_data)
        return ticket_response(ticket)


class TicketPinApi(APIView):
    permission_classes = [roles.IsSupportOrLeadership]

    @extend_schema(request=ReasonIn, responses={200: TicketOut, 409: CONFLICT})
    def post(self, request, pk: int):
        ticket = ticket_for_request(request, pk)
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_pin(ticket=ticket, by=request.user, **data.validated_data)
        return ticket_response(ticket)


class TicketUnpinApi(TicketPinApi):
    @extend_schema(request=ReasonIn, responses={200: TicketOut, 409: CONFLICT})
    def post(self, request, pk: int):
        ticket = ticket_for_request(request, pk)
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_unpin(ticket=ticket, by=request.user, **data.validated_data)
        return ticket_response(ticket)


class TicketEventsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EventOut(many=True))
    def get(self, request, pk: int):
        ticket = ticket_for_request(request, pk)
        events = ticket_timeline(ticket, request.user)
        return Response(EventOut(events, many=True).data)


class TicketMessagesApi(generics.ListAPIView):
    """The ticket's mail thread, oldest first (issue 13): whoever may read the ticket."""

    serializer_class = MessageOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no ticket
            return Message.objects.none()
        return ticket_messages(ticket_for_request(self.request, self.kwargs["pk"]))


class TicketRepliesApi(APIView):
    permission_classes = [roles.IsSupport]

    @extend_schema(request=ReplyIn, responses={201: EventOut, 409: CONFLICT})
    def post(self, request, pk: int):
        ticket = ticket_for_request(request, pk)
        data = ReplyIn(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.ticket_reply(ticket=ticket, by=request.user, **data.validated_data)
        return Response(EventOut(event).data, status=status.HTTP_201_CREATED)
