"""API v1 shapes for pre-sales. Input serializers validate only; services decide and write."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from presales import requirements
from presales.models import (
    ChannelEngagement,
    ExceptionEvent,
    ExceptionKind,
    ExceptionStatus,
    ImpactScope,
    KeyDate,
    PresalesException,
    PresalesRequest,
)
from presales.selectors import nearest_key_date
from shared.api import (
    MAX_REASON,
    InputSerializer,
    LineField,
    StrictChoiceField,
    TextField,
)
from triage.models import Account, Status, Ticket, Tier
from triage.serializers import TicketOut as TicketOut

# Named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] (the ticket fields carry plain values).
TICKET_TIERS = Tier.values
TICKET_STATUSES = Status.values
EXCEPTION_STATUSES = ExceptionStatus.values


@extend_schema_field({"type": "string", "enum": ExceptionStatus.values})
class ExceptionStatusField(serializers.CharField):
    """The exception's status, documented inline so its enum does not clash with tickets'."""


class StrictListField(serializers.ListField):
    default_error_messages = {"not_a_list": "Expected a list of URLs (may be empty)."}


class PresalesRequestIn(InputSerializer):
    account = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.all(), help_text="A prospect (tier presales) account id."
    )
    summary = LineField(max_length=requirements.SUMMARY_MAX)
    attempted_and_expected = TextField(max_length=20000)
    steps_taken = TextField(max_length=20000)
    impact = TextField(max_length=20000)
    impact_scope = StrictChoiceField(ImpactScope.values, required=False, default="")
    design_doc_links = StrictListField(
        child=serializers.URLField(max_length=2000), allow_empty=True
    )
    sales_context = TextField(max_length=20000)
    key_dates = TextField(
        max_length=5000, required=False, default="", allow_blank=True,
        help_text='Optional text; lines like "2026-12-15 decision" become key dates.',
    )  # fmt: skip

    def validate_account(self, account: Account) -> Account:
        if problem := requirements.prospect_problem(account.name, account.tier):
            raise serializers.ValidationError(problem)
        return account


class KeyDateOut(serializers.ModelSerializer):
    class Meta:
        model = KeyDate
        fields = ["date", "label"]


class ReplyOut(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True, help_text="username")
    body = serializers.CharField()


class PresalesDetailOut(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    key_dates = KeyDateOut(many=True, read_only=True)
    nearest_key_date = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()

    class Meta:
        model = PresalesRequest
        fields = [
            "requested_by", "summary", "attempted_and_expected", "steps_taken", "impact_scope",
            "impact", "design_doc_links", "sales_context", "key_dates", "key_dates_text",
            "nearest_key_date", "replies",
        ]  # fmt: skip

    @extend_schema_field(KeyDateOut(allow_null=True))
    def get_nearest_key_date(self, r: PresalesRequest) -> dict | None:
        kd = nearest_key_date(r)
        return KeyDateOut(kd).data if kd else None

    @extend_schema_field(ReplyOut(many=True))
    def get_replies(self, r: PresalesRequest) -> list[dict]:
        replies = getattr(r.ticket, "replies", None)
        if replies is None:
            replies = r.ticket.events.filter(kind="reply").select_related("actor")
        return ReplyOut(replies, many=True).data


class PresalesRequestOut(TicketOut):
    """The ticket representation (as GET /tickets/{id}/) with the request's own fields."""

    presales = PresalesDetailOut()

    def to_representation(self, ticket: Ticket) -> dict:
        data = super().to_representation(ticket)
        data["presales"] = PresalesDetailOut(ticket.presales_request).data
        return data


class ExceptionIn(InputSerializer):
    kind = StrictChoiceField(ExceptionKind.values)
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    ticket = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.all(), required=False, allow_null=True, default=None
    )
    reason = TextField(max_length=MAX_REASON)
    ends_on = serializers.DateField()


class DecisionIn(InputSerializer):
    decision = StrictChoiceField(["approve", "deny"])
    note = TextField(max_length=MAX_REASON)


class ExceptionEventOut(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status = ExceptionStatusField(read_only=True)

    class Meta:
        model = ExceptionEvent
        fields = ["at", "actor", "status", "note"]


class ExceptionOut(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    status = ExceptionStatusField(read_only=True)
    history = ExceptionEventOut(many=True, read_only=True)

    class Meta:
        model = PresalesException
        fields = [
            "id", "kind", "account", "ticket", "requested_by", "reason", "ends_on", "status",
            "decided_by", "decided_at", "decision_note", "created_at", "history",
        ]  # fmt: skip


class ChannelIn(InputSerializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all())
    channel = LineField(max_length=200)


class ChannelOut(serializers.ModelSerializer):
    engineer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ChannelEngagement
        fields = ["id", "ticket", "channel", "engineer", "joined_at", "left_at", "reminded_at"]
