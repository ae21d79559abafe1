"""API v1 shapes for escalations. Input serializers validate types only; services decide."""

from __future__ import annotations

from rest_framework import serializers

from escalations import gate
from escalations.models import Decision, Escalation, EscalationDecision, Urgency
from shared.api import (
    MAX_REASON,
    InputSerializer,
    LineField,
    StrictCharField,
    StrictChoiceField,
    TextField,
)

MAX_TEXT = gate.CONTEXT_MAX


def _text(**kwargs) -> TextField:
    # Blank passes here so the service can answer every missing field in one 400.
    return TextField(max_length=MAX_TEXT, allow_blank=True, **kwargs)


class EscalationIn(InputSerializer):
    summary = LineField(max_length=200, allow_blank=True)
    reproduction_steps = _text()
    impact = _text()
    customer_deadline = serializers.DateField(
        allow_null=True, required=False, default=None, help_text="null with no_customer_deadline"
    )
    no_customer_deadline = serializers.BooleanField(
        required=False, default=False, help_text="true: the customer has no deadline (stated)"
    )
    tried = _text(help_text="What support already tried.")
    links = serializers.ListField(
        child=StrictCharField(max_length=2000), allow_empty=True, max_length=50, required=False,
        default=list,
    )  # fmt: skip
    no_links = serializers.BooleanField(
        required=False, default=False, help_text="true: there is nothing to link yet (stated)"
    )
    urgency = StrictChoiceField(Urgency.values, required=False, default=Urgency.NORMAL)
    cannot_wait_a_day = serializers.BooleanField(required=False, default=False)
    justification = _text(required=False, default="")


class DecisionIn(InputSerializer):
    decision = StrictChoiceField(Decision.values)
    target_date = serializers.DateField(required=False, allow_null=True, default=None)
    question = TextField(max_length=MAX_TEXT, required=False, default="", allow_blank=True)
    reason = TextField(max_length=MAX_REASON, required=False, default="", allow_blank=True)


class AnswerIn(InputSerializer):
    answer = TextField(max_length=MAX_TEXT, allow_blank=True)


class DecisionOut(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EscalationDecision
        fields = ["decision", "by", "at", "target_date", "question", "reason", "notified_at"]


class EscalationTicketOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    tier = serializers.CharField()
    severity = serializers.CharField()
    priority = serializers.CharField()
    status = serializers.CharField()
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)
    account = serializers.CharField(source="account.name", default=None, allow_null=True)


class EscalationOut(serializers.ModelSerializer):
    ticket = EscalationTicketOut()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decisions = DecisionOut(many=True, read_only=True)
    no_customer_deadline = serializers.BooleanField(read_only=True)
    no_links = serializers.BooleanField(read_only=True)

    class Meta:
        model = Escalation
        fields = [
            "id", "ticket", "state", "urgency", "summary", "reproduction_steps", "impact",
            "customer_deadline", "no_customer_deadline", "tried", "links", "no_links",
            "cannot_wait_a_day", "justification",
            "created_by", "created_at", "updated_at", "target_date", "question", "answer",
            "decline_reason", "decisions",
        ]  # fmt: skip
