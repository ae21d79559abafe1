"""Staffing rota, capacity-level thresholds, load episodes and the proactive-notice outbox (R7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from queues import load as load_rules
from queues.rota import REGIONS, Engineer
from shared.hours import WeeklyHours, parse_spans


class Region(models.TextChoices):
    EMEA = "emea", "EMEA"
    AMERICAS = "americas", "Americas"
    OTHER = "other", "Other"


assert tuple(Region.values) == REGIONS


class StaffProfile(models.Model):
    """A support engineer's time zone, region, weekly hours and on-duty shifts (local time)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_profile"
    )
    timezone = models.CharField(max_length=64, default="UTC", help_text="IANA time zone name.")
    region = models.CharField(max_length=16, choices=Region.choices, default=Region.OTHER)
    weekly_hours = models.JSONField(
        default=list,
        blank=True,
        help_text='Rows like {"day": 0, "start": "09:00", "end": "17:00"} in local time, '
        "Monday is 0; an end before the start crosses midnight.",
    )
    duty_hours = models.JSONField(
        default=list,
        blank=True,
        help_text="On-duty shifts, same shape as the weekly hours (a subset of them).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__in=Region.values), name="staff_profile_region_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.username} ({self.timezone}, {self.get_region_display()})"

    def engineer(self, absences: list[Absence] | None = None) -> Engineer:
        """Return the pure rota's value for this engineer (absences passed in, already loaded)."""
        return Engineer(
            username=self.user.username,
            region=self.region,
            hours=WeeklyHours(timezone=self.timezone, spans=parse_spans(self.weekly_hours)),
            absences=tuple((a.start, a.end) for a in absences or ()),
            duty=WeeklyHours(timezone=self.timezone, spans=parse_spans(self.duty_hours))
            if self.duty_hours
            else None,
        )


class Absence(models.Model):
    """An engineer is out of office in [start, end); cancelled rather than deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="absences"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["user", "end"], name="absence_user_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="absence_ends")
        ]

    def __str__(self) -> str:
        return f"{self.user.username} out {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"


class LevelThreshold(models.Model):
    """One editable row of the capacity-level table (PRODUCT.md "Capacity levels")."""

    level = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    staffing_at_or_below = models.FloatField(
        null=True, blank=True, help_text="Staffing (working ÷ planned) in any region at or below."
    )
    load_above = models.FloatField(
        null=True, blank=True, help_text="Active cases per working engineer above."
    )
    contingency = models.TextField(help_text="What the team does at this level.")

    class Meta:
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1), name="level_threshold_level_min")
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.name}"

    def rule(self) -> load_rules.LevelRule:
        return load_rules.LevelRule(
            level=self.level,
            name=self.name,
            staffing_at_or_below=self.staffing_at_or_below,
            load_above=self.load_above,
            contingency=self.contingency,
        )


class LoadState(models.TextChoices):
    NORMAL = "normal", "Normal"
    BUSY = "busy", "Busy"
    BACKED_UP = "backed_up", "Backed up"


class LoadEpisode(models.Model):
    """A stretch of time in one load state; a `backed_up` episode scopes its notices (R7)."""

    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=LoadState.choices)
    peak_level = models.PositiveSmallIntegerField()
    is_open = models.BooleanField(default=True)
    # Each change of level inside the episode, oldest first: [{"at": ISO, "level": n}].
    levels = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # At most one open episode: the evaluation locks it, and this makes sure.
            models.UniqueConstraint(
                fields=["is_open"], condition=Q(is_open=True), name="one_open_episode"
            ),
            models.CheckConstraint(condition=Q(peak_level__gte=models.F("level")), name="peak"),
        ]

    def __str__(self) -> str:
        end = f"{self.ended_at:%Y-%m-%d %H:%M}" if self.ended_at else "now"
        return f"level {self.level} ({self.state}) {self.started_at:%Y-%m-%d %H:%M}–{end}"


class LoadEvaluation(models.Model):
    """The last load evaluation (R7), as the queue page's banner shows it: one row, rewritten by
    every `load_evaluate` (each minute), so a page render counts no tickets."""

    evaluated_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=LoadState.choices)
    level = models.PositiveSmallIntegerField()
    # The level's row as it was at the evaluation: an admin edit shows from the next one.
    rule_name = models.CharField(max_length=100)
    contingency = models.TextField()
    reasons = models.JSONField(default=list, blank=True)
    open_unanswered = models.PositiveIntegerField()
    active_cases = models.PositiveIntegerField()
    active_per_engineer = models.FloatField(null=True, blank=True)
    planned = models.PositiveIntegerField()
    on_shift = models.PositiveIntegerField()
    oldest_wait_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_arrival_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One row: the evaluation writes it with update_or_create(pk=1).
            models.CheckConstraint(condition=Q(id=1), name="one_load_evaluation"),
        ]

    def __str__(self) -> str:
        return f"level {self.level} ({self.state}) at {self.evaluated_at:%Y-%m-%d %H:%M}"

    @property
    def state_label(self) -> str:
        return LoadState(self.state).label


class NoticeSwitch(models.Model):
    """The stored switch that pauses proactive notices; each change is a row (the audit)."""

    paused = models.BooleanField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "notice switch changes"

    def __str__(self) -> str:
        return f"{'paused' if self.paused else 'resumed'} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class NoticeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (will retry)"
    GAVE_UP = "gave_up", "Gave up after retries"
    UNCERTAIN = "uncertain", "Worker stopped mid-delivery (not resent)"


class Notice(models.Model):
    """An outbox row: one proactive notice for one ticket in one backed-up episode."""

    # No index of its own: the unique (ticket, episode) constraint's index starts with it.
    ticket = models.ForeignKey(
        "triage.Ticket", on_delete=models.PROTECT, related_name="notices", db_index=False
    )
    episode = models.ForeignKey(LoadEpisode, on_delete=models.PROTECT, related_name="notices")
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    arrival_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "episode"], name="one_notice_per_episode"),
            models.CheckConstraint(
                condition=Q(status__in=NoticeStatus.values), name="notice_status_valid"
            ),
        ]
        indexes = [
            # The sweep scans only undelivered rows.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["pending", "failed", "sending"]),
                name="notice_undelivered",
            ),
        ]

    def __str__(self) -> str:
        return f"notice for #{self.ticket_id} ({self.status})"
