"""API v1 shapes. Input serializers validate only; services decide and write."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import available_timezones

from django.urls import reverse
from rest_framework import serializers

from shared import roles
from shared.api import (
    MAX_REASON,
    InputSerializer,
    LineField,
    StrictCharField,
    StrictChoiceField,
    TextField,
    UsernameField,
)
from triage.models import (
    Account,
    AccountAddress,
    AddressKind,
    Attachment,
    Channel,
    Deployment,
    Direction,
    Level,
    Message,
    MessageKind,
    Source,
    Status,
    Ticket,
    TicketEvent,
    Tier,
)

ACCOUNT_TIERS = [t for t in Tier.values if t != Tier.INTERNAL]


def _timezone_name(value: str) -> str:
    if value and value not in available_timezones():
        raise serializers.ValidationError(f"“{value}” is not an IANA time zone name.")
    return value


class AccountIn(InputSerializer):
    name = LineField(max_length=200)
    tier = StrictChoiceField(ACCOUNT_TIERS)
    deployment = StrictChoiceField(Deployment.values)
    premium = serializers.BooleanField(default=False)
    timezone = StrictCharField(
        max_length=64, required=False, default="", allow_blank=True, validators=[_timezone_name]
    )
    contact_email = serializers.EmailField(required=False, default="", allow_blank=True)


class AccountOut(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "name", "tier", "deployment", "premium", "timezone", "contact_email"]


class AccountAddressIn(InputSerializer):
    kind = StrictChoiceField(AddressKind.values)
    value = StrictCharField(max_length=320)


class AccountAddressOut(serializers.ModelSerializer):
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    removed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AccountAddress
        fields = ["id", "kind", "value", "added_at", "added_by", "removed_at", "removed_by"]


class TicketIn(InputSerializer):
    title = LineField(max_length=200)
    description = TextField(max_length=20000, required=False, default="", allow_blank=True)
    source = StrictChoiceField(Source.values)
    account = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.all(), allow_null=True, required=False, default=None
    )
    severity = StrictChoiceField(Level.values, required=False, default="")
    requester = UsernameField(
        required=False,
        default=None,
        allow_null=True,
        help_text="username of the CE a pre-sales ticket is for: it shows in her requests",
    )

    def validate_requester(self, user):
        if user is not None and not roles.has_role(user, roles.CE):
            raise serializers.ValidationError("Name a customer engineer (CE).")
        return user

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("requester") and attrs.get("source") != Source.PRESALES:
            raise serializers.ValidationError(
                {"requester": ["Only a pre-sales ticket is requested by a CE."]}
            )
        return attrs


class TriageIn(InputSerializer):
    severity = StrictChoiceField(Level.values)
    priority = StrictChoiceField(Level.values)
    reason = TextField(
        max_length=MAX_REASON, required=False, default="", allow_blank=True, trim_whitespace=True
    )


class TicketPatchIn(InputSerializer):
    status = StrictChoiceField(Status.values, required=False)
    assignee = UsernameField(allow_null=True, required=False)
    reason = TextField(max_length=MAX_REASON, required=False, default="", allow_blank=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "status" not in attrs and "assignee" not in attrs:
            raise serializers.ValidationError(
                {"non_field_errors": ["Send a status, an assignee, or both."]}
            )
        return attrs


class ReasonIn(InputSerializer):
    reason = TextField(max_length=MAX_REASON)


class ReplyIn(InputSerializer):
    body = TextField(max_length=20000)
    public = serializers.BooleanField(
        default=True, help_text="true: a reply to the customer; false: an internal note."
    )
    first_response = serializers.BooleanField(
        default=False,
        help_text="The reply sums up troubleshooting and next steps: it records the first "
        "response (an acknowledgement does not).",
    )


def _iso(at: datetime | None) -> str | None:
    """Render an instant as DRF does (ISO 8601, UTC as Z)."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at else None


def _username(user) -> str | None:
    return user.username if user is not None else None


def _name_of(ticket: Ticket, relation: str) -> str | None:
    """The username of the ticket's assignee or pin author: annotated by the queue's read
    (`<relation>_username`), else from the related user."""
    if not getattr(ticket, f"{relation}_id"):
        return None
    name = getattr(ticket, f"{relation}_username", None)
    return name if name is not None else _username(getattr(ticket, relation))


class TicketOut(serializers.Serializer):
    """A ticket as API v1 shows it. Fields are declared for the schema; rendering is direct,
    because this shape is on every hot path (the queue, the number one, claims)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    source = serializers.ChoiceField(Source.values)
    account = serializers.IntegerField(allow_null=True)
    tier = serializers.ChoiceField(Tier.values)
    severity = serializers.ChoiceField(Level.values, allow_null=True)
    reported_severity = serializers.ChoiceField(Level.values, allow_blank=True)
    priority = serializers.ChoiceField(Level.values)
    suggested_priority = serializers.ChoiceField(Level.values)
    status = serializers.ChoiceField(Status.values)
    assignee = serializers.CharField(allow_null=True, help_text="username")
    pinned = serializers.BooleanField()
    pin_reason = serializers.CharField(allow_blank=True)
    pinned_by = serializers.CharField(allow_null=True, help_text="username")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    triaged_at = serializers.DateTimeField(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    goal_due_at = serializers.DateTimeField(allow_null=True)
    next_update_due_at = serializers.DateTimeField(
        allow_null=True,
        help_text="After the first response, when the next public reply is due; the rank sorts "
        "on it instead of due_at (null before the first response, while waiting on the "
        "customer, or once resolved)",
    )
    position = serializers.IntegerField(
        allow_null=True, help_text="1-based place in the open queue; null once closed"
    )
    why = serializers.ListField(child=serializers.CharField())
    channel = serializers.ChoiceField(
        Channel.values, read_only=True, help_text="How the ticket came in: web, api or email"
    )
    requester_email = serializers.EmailField(
        allow_blank=True, read_only=True, help_text="The address the customer wrote from"
    )

    def to_representation(self, ticket: Ticket) -> dict:
        return {
            "id": ticket.pk,
            "title": ticket.title,
            "description": ticket.description,
            "source": ticket.source,
            "account": ticket.account_id,
            "tier": ticket.tier,
            "severity": ticket.severity or None,
            "reported_severity": ticket.reported_severity,
            "priority": ticket.priority,
            "suggested_priority": ticket.suggested_priority,
            "status": ticket.status,
            "assignee": _name_of(ticket, "assignee"),
            "pinned": ticket.pinned_at is not None,
            "pin_reason": ticket.pin_reason,
            "pinned_by": _name_of(ticket, "pinned_by"),
            "created_at": _iso(ticket.created_at),
            "updated_at": _iso(ticket.updated_at),
            "triaged_at": _iso(ticket.triaged_at),
            "first_response_at": _iso(ticket.first_response_at),
            "due_at": _iso(ticket.due_at),
            "goal_due_at": _iso(ticket.goal_due_at),
            "next_update_due_at": _iso(ticket.next_update_due_at),
            "position": self.context.get("positions", {}).get(ticket.pk),
            "why": ticket.why(),
            "channel": ticket.channel,
            "requester_email": ticket.requester_email,
        }


class QueueEntryOut(serializers.Serializer):
    position = serializers.IntegerField()
    ticket = TicketOut()


class EventOut(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # "from" and "to" are the contract's names (R10); they are Python keywords, hence the mapping.
    from_ = serializers.CharField(source="from_value")
    to = serializers.CharField(source="to_value")

    class Meta:
        model = TicketEvent
        fields = ["at", "actor", "kind", "from_", "to", "reason", "body"]

    def get_fields(self):
        fields = super().get_fields()
        return {("from" if name == "from_" else name): field for name, field in fields.items()}


class AttachmentOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Download it (same access as the ticket)")

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return reverse("ticket-attachment", args=[attachment.message.ticket_id, attachment.pk])


class MessageOut(serializers.ModelSerializer):
    """One message on a ticket's thread (issue 13); ids are shown without angle brackets."""

    direction = serializers.ChoiceField(Direction.values)
    kind = serializers.ChoiceField(MessageKind.values)
    attachments = AttachmentOut(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "kind",
            "message_id",
            "in_reply_to",
            "from_address",
            "from_name",
            "to",
            "subject",
            "text",
            "at",
            "attachments",
        ]
