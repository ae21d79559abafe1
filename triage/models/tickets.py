"""Tickets and their timeline (R10): what support ranks, works and records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from triage import clock_plan, priority, rank
from triage.models.accounts import Account, Tier, in_choices


class Level(models.TextChoices):
    """Severities and priorities share the p0..p3 scale (p0 highest)."""

    P0 = "p0", "p0"
    P1 = "p1", "p1"
    P2 = "p2", "p2"
    P3 = "p3", "p3"


class Source(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    PRESALES = "presales", "Pre-sales"
    INTERNAL = "internal", "Internal"


class Channel(models.TextChoices):
    """How a ticket reached us (issue 13)."""

    WEB = "web", "Web form"
    API = "api", "API"
    EMAIL = "email", "Email"


class Status(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (
    Status.NEW,
    Status.TRIAGED,
    Status.IN_PROGRESS,
    Status.WAITING_ON_CUSTOMER,
    Status.ESCALATED,
)
# Open work is the queue. Queries filter on the generated `in_queue` column rather than on
# `status IN (...)`: the predicate carries no parameters, so the partial indexes below match
# it in every plan, prepared statements included.
OPEN = Q(in_queue=True)

assert tuple(Level.values) == priority.LEVELS


class Ticket(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    # Copied from the account on every save: the rank is stored, so its parts must be too.
    tier = models.CharField(max_length=20, choices=Tier.choices)
    reported_severity = models.CharField(max_length=2, choices=Level.choices, blank=True)
    severity = models.CharField(max_length=2, choices=Level.choices, blank=True)
    priority = models.CharField(max_length=2, choices=Level.choices)
    suggested_priority = models.CharField(max_length=2, choices=Level.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    pinned_at = models.DateTimeField(null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pin_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.WEB, db_default=Channel.WEB
    )
    # Who asked: a CE's pre-sales request is hers to see however it was filed (issue 12), and a
    # customer's address is where replies go (issue 13).
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    requester_email = models.EmailField(blank=True, default="", db_default="")
    created_at = models.DateTimeField()
    # The Idempotency-Key of the API call that filed it: a retried POST finds this ticket.
    request_key = models.CharField(max_length=100, blank=True, default="", db_default="")
    updated_at = models.DateTimeField()
    triaged_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="Contractual first-response due time (R6)."
    )
    goal_due_at = models.DateTimeField(
        null=True, blank=True, help_text="The team's two-hour first-reply goal."
    )
    next_update_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="After the first response, when the next public reply is due (R6); "
        "none while waiting on the customer or once resolved.",
    )
    rank_key = models.CharField(max_length=rank.RANK_KEY_LENGTH, editable=False)
    in_queue = models.GeneratedField(
        expression=models.ExpressionWrapper(
            Q(status__in=OPEN_STATUSES), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["rank_key", "id"]
        indexes = [
            # The open queue and its number one are index scans over these (STYLE: stored rank).
            models.Index(fields=["rank_key", "id"], condition=OPEN, name="ticket_open_rank"),
            models.Index(
                fields=["rank_key", "id"],
                condition=OPEN & Q(assignee__isnull=True),
                name="ticket_unclaimed_rank",
            ),
            # Claimed open work is what ranks above the number one: counting it gives its place.
            models.Index(
                fields=["rank_key", "id"],
                condition=OPEN & Q(assignee__isnull=False),
                name="ticket_claimed_rank",
            ),
            # The queue page filtered by priority, tier or both, in rank order (issue 14): without
            # them PostgreSQL walks the rank index down to the first match, and past the others.
            models.Index(
                fields=["priority", "rank_key", "id"], condition=OPEN, name="ticket_open_priority"
            ),
            models.Index(
                fields=["tier", "rank_key", "id"], condition=OPEN, name="ticket_open_tier"
            ),
            models.Index(
                fields=["priority", "tier", "rank_key", "id"],
                condition=OPEN,
                name="ticket_open_priority_tier",
            ),
            models.Index(fields=["account", "status"], name="ticket_account_status"),
            models.Index(fields=["created_at"], name="ticket_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "request_key"],
                condition=~Q(request_key=""),
                name="ticket_request_key_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(source=Source.INTERNAL, account__isnull=True, tier=Tier.INTERNAL)
                    | (
                        ~Q(source=Source.INTERNAL)
                        & ~Q(tier="internal")
                        # Mail from an unknown sender waits for support to pick its account.
                        & (Q(account__isnull=False) | Q(channel="email"))
                    )
                ),
                name="ticket_source_matches_account",
            ),
            models.CheckConstraint(
                condition=Q(pinned_at__isnull=True, pin_reason="")
                | (Q(pinned_at__isnull=False) & ~Q(pin_reason="")),
                name="ticket_pin_has_reason",
            ),
            models.CheckConstraint(condition=in_choices("status", Status), name="ticket_status"),
            models.CheckConstraint(condition=in_choices("channel", Channel), name="ticket_channel"),
            models.CheckConstraint(condition=in_choices("priority", Level), name="ticket_priority"),
            models.CheckConstraint(
                condition=Q(severity="") | in_choices("severity", Level), name="ticket_severity"
            ),
            models.CheckConstraint(condition=in_choices("tier", Tier), name="ticket_tier"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("ticket-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def pinned(self) -> bool:
        return self.pinned_at is not None

    @property
    def waits_on_customer(self) -> bool:
        return self.status == Status.WAITING_ON_CUSTOMER

    @property
    def rank_due_at(self):
        """The due time the rank sorts on: the first response's, then the next update's."""
        return clock_plan.ranking_due(
            first_response_at=self.first_response_at,
            first_due=self.due_at,
            next_due=self.next_update_due_at,
        )

    def facts(self) -> rank.TicketFacts:
        """Return what the engine ranks this ticket on."""
        return rank.TicketFacts(
            id=self.pk or 0,
            tier=self.tier,
            priority=self.priority,
            created_at=self.created_at,
            due_at=self.rank_due_at,
            pinned_at=self.pinned_at,
            waiting_on_customer=self.waits_on_customer,
            answered=self.first_response_at is not None,
        )

    def why(self) -> list[str]:
        return rank.why(self.facts(), pin_reason=self.pin_reason)


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    SEVERITY = "severity", "Severity"
    PRIORITY = "priority", "Priority"
    PIN = "pin", "Pinned"
    UNPIN = "unpin", "Unpinned"
    ASSIGNEE = "assignee", "Assignee"
    STATUS = "status", "Status"
    REPLY = "reply", "Public reply"
    NOTE = "note", "Internal note"
    FIRST_RESPONSE = "first_response", "First response"
    NOTICE = "notice", "Proactive notice"
    SLA_WARNING = "sla_warning", "SLA warning"
    ESCALATION = "escalation", "Escalation"
    PRESALES = "presales", "Pre-sales"
    CHANNEL = "channel", "Trial channel"
    EXCEPTION = "exception", "Exception"
    # The email channel (issue 13)
    CUSTOMER_REPLY = "customer_reply", "Customer reply"
    ACCOUNT = "account", "Account"
    BOUNCE = "bounce", "Delivery failure"
    MAIL = "mail", "Mail"


class TicketEvent(models.Model):
    """One line of a ticket's timeline: who changed what, when, from what to what, and why."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Text of a reply, note or notice.")

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["ticket", "at", "id"], name="event_ticket_timeline"),
            # The dashboard's backlog trend reads status changes by day (issue 6).
            models.Index(
                fields=["at"],
                include=["from_value", "to_value"],
                condition=Q(kind="status"),
                name="event_status_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.from_value}→{self.to_value}"


class RankBucket(models.Model):
    """How many open tickets have a rank key in one bucket (issue 14).

    A bucket is a prefix of the rank key (the SQL function `triage_rank_bucket`; triage.rank's
    layout: band 1, pin 17, priority 1, tier 1, due 16, created 16 characters): who the next
    step waits on, the pin, priority, tier and the due time to 10^10 microseconds (26
    characters); work without a due time by its filing time instead (42 characters).
    PostgreSQL keeps the counts by trigger in the transaction that writes the ticket (migration
    0014), so they are exactly as current as the tickets; a ticket's place is the sum of the
    buckets before its own plus a count within its own, whatever its depth.
    """

    bucket = models.CharField(max_length=52, primary_key=True)
    n = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.bucket}: {self.n}"
