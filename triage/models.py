"""Accounts, tickets, their timeline (R10) and the SLA policy table (R6)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shared.hours import WeeklyHours, parse_spans
from triage import priority as engine


class Tier(models.TextChoices):
    PRESALES = "presales", "Pre-sales"
    ENTERPRISE = "enterprise", "Enterprise"
    TEAM = "team", "Team"
    FREE = "free", "Free"
    OPEN_SOURCE = "open_source", "Open source"
    INTERNAL = "internal", "Internal"


class Deployment(models.TextChoices):
    CLOUD = "cloud", "Cloud"
    SELF_HOSTED = "self_hosted", "Self-hosted"


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

assert tuple(Tier.values) == engine.TIERS, "Tier choices must follow R1's order"
assert tuple(Level.values) == engine.LEVELS


def _in_choices(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class Account(models.Model):
    name = models.CharField(max_length=200, unique=True)
    tier = models.CharField(max_length=20, choices=[c for c in Tier.choices if c[0] != "internal"])
    deployment = models.CharField(max_length=20, choices=Deployment.choices)
    premium = models.BooleanField(
        default=False, help_text="Premium plan: p0 and p1 targets run 24×7."
    )
    timezone = models.CharField(
        max_length=64, blank=True, help_text="IANA time zone for messages to this customer."
    )
    contact_email = models.EmailField(
        blank=True, help_text="Where proactive notices to this customer go."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("tier", Tier) & ~Q(tier=Tier.INTERNAL),
                name="account_tier_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("deployment", Deployment), name="account_deployment_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_tier_display()})"

    def get_absolute_url(self) -> str:
        return reverse("account-detail", args=[self.pk])


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
    rank_key = models.CharField(max_length=engine.RANK_KEY_LENGTH, editable=False)
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
                    | (~Q(source=Source.INTERNAL) & Q(account__isnull=False) & ~Q(tier="internal"))
                ),
                name="ticket_source_matches_account",
            ),
            models.CheckConstraint(
                condition=Q(pinned_at__isnull=True, pin_reason="")
                | (Q(pinned_at__isnull=False) & ~Q(pin_reason="")),
                name="ticket_pin_has_reason",
            ),
            models.CheckConstraint(condition=_in_choices("status", Status), name="ticket_status"),
            models.CheckConstraint(
                condition=_in_choices("priority", Level), name="ticket_priority"
            ),
            models.CheckConstraint(
                condition=Q(severity="") | _in_choices("severity", Level), name="ticket_severity"
            ),
            models.CheckConstraint(condition=_in_choices("tier", Tier), name="ticket_tier"),
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

    def facts(self) -> engine.TicketFacts:
        """Return what the engine ranks this ticket on."""
        return engine.TicketFacts(
            id=self.pk or 0,
            tier=self.tier,
            priority=self.priority,
            created_at=self.created_at,
            due_at=self.due_at,
            pinned_at=self.pinned_at,
        )

    def why(self) -> list[str]:
        return engine.why(self.facts(), pin_reason=self.pin_reason)


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


class SlaCalendar(models.Model):
    """Business hours in a time zone, with holidays, that SLA clocks run in."""

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="America/Los_Angeles")
    weekly_hours = models.JSONField(
        default=list,
        help_text='Rows like {"day": 0, "start": "08:00", "end": "17:00"}, Monday is 0; '
        "an end before the start crosses midnight; start equal to end is 24 hours.",
    )
    holidays = models.JSONField(default=list, blank=True, help_text="Closed dates, YYYY-MM-DD.")
    holiday_country = models.CharField(
        max_length=8,
        blank=True,
        help_text="Also close on this country's public holidays (e.g. US).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def hours(self, years: range | None = None) -> WeeklyHours:
        """Return the calendar as the pure engine's WeeklyHours."""
        closed = {date.fromisoformat(d) for d in self.holidays}
        if self.holiday_country and years:
            import holidays

            closed |= set(holidays.country_holidays(self.holiday_country, years=years))
        return WeeklyHours(
            timezone=self.timezone,
            spans=parse_spans(self.weekly_hours),
            closed_dates=frozenset(closed),
        )


class SlaTarget(models.Model):
    """A contractual first-response target for one tier at one priority (R6)."""

    tier = models.CharField(max_length=20, choices=Tier.choices)
    priority = models.CharField(max_length=2, choices=Level.choices)
    target_minutes = models.PositiveIntegerField(help_text="Business minutes in the calendar.")
    calendar = models.ForeignKey(SlaCalendar, on_delete=models.PROTECT, related_name="+")
    premium_calendar = models.ForeignKey(
        SlaCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Used instead for accounts on a premium plan (e.g. 24×7 for p0 and p1).",
    )

    class Meta:
        ordering = ["tier", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "priority"], name="sla_target_unique"),
            models.CheckConstraint(condition=Q(target_minutes__gt=0), name="sla_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.priority}: {self.target}"

    @property
    def target(self) -> timedelta:
        return timedelta(minutes=self.target_minutes)


# --- SLA clocks (R6): pauses while waiting on the customer, running clocks, warnings ----------


class TicketPause(models.Model):
    """A stretch of time the ticket waited on the customer: SLA clocks stop during it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Empty while still waiting.")

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["ticket", "started_at"], name="pause_ticket_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="pause_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ended_at__isnull=True), name="pause_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} paused {self.started_at:%Y-%m-%d %H:%M}–{self.ended_at or '…'}"


class ClockKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    GOAL = "goal", "Two-hour goal"
    NEXT_UPDATE = "next_update", "Next update"


# The goal clock is tracked for the dashboard only; the first-response clock already falls
# back to the goal for tiers without a contract, so warning on both would warn twice.
WARNED_CLOCKS = (ClockKind.FIRST_RESPONSE, ClockKind.NEXT_UPDATE)


class SlaClock(models.Model):
    """One running (or stopped) response clock of a ticket, with its warning markers.

    `due_at` and `warn_at` (75 % of the target) are stored so the warning scan is an index
    scan over running clocks; they are empty while an open pause stops the clock. The two
    `*_warned_at` markers are set by a conditional UPDATE, so a warning is sent only once.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    started_at = models.DateTimeField()
    target_minutes = models.PositiveIntegerField()
    contractual = models.BooleanField(
        default=False, help_text="From the SLA policy table (else the two-hour team goal)."
    )
    due_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(
        null=True, blank=True, help_text="When the response came, or the ticket closed."
    )
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text="The public reply that stopped the clock."
    )
    near_warned_at = models.DateTimeField(null=True, blank=True)
    breach_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "kind", "started_at"]
        indexes = [
            # The breach-warning scan: running clocks not yet warned, by the instant they fire.
            models.Index(
                fields=["warn_at"],
                condition=Q(
                    stopped_at__isnull=True, near_warned_at__isnull=True, kind__in=WARNED_CLOCKS
                ),
                name="clock_near_scan",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(
                    stopped_at__isnull=True, breach_warned_at__isnull=True, kind__in=WARNED_CLOCKS
                ),
                name="clock_breach_scan",
            ),
            # Dashboard attainment and response times: an index-only scan by window.
            models.Index(
                fields=["kind", "started_at"],
                include=["due_at", "answered_at", "stopped_at", "contractual"],
                name="clock_kind_start",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "started_at"], name="clock_unique_start"
            ),
            models.CheckConstraint(
                condition=_in_choices("kind", ClockKind), name="clock_kind_valid"
            ),
            models.CheckConstraint(condition=Q(target_minutes__gt=0), name="clock_target_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind} due {self.due_at}"


# Escalations (R8) live in their own module; importing it here registers the models.
from triage.models_escalation import Escalation, EscalationDecision  # noqa: E402, F401
