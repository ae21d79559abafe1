"""The SLA policy table (R6) and each ticket's pauses and running clocks."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from django.db import models
from django.db.models import Q

from shared.hours import WeeklyHours, parse_spans
from triage.models.accounts import Tier, in_choices
from triage.models.tickets import Level, Ticket


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
                condition=in_choices("kind", ClockKind), name="clock_kind_valid"
            ),
            models.CheckConstraint(condition=Q(target_minutes__gt=0), name="clock_target_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind} due {self.due_at}"
