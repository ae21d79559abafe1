"""Pre-sales requests, their key dates, exceptions to the process and trial channels (R9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from triage.models import Account, Ticket


class ImpactScope(models.TextChoices):
    BLOCKING_ALL = "blocking_all", "Blocking full use (everyone)"
    SELECT_USERS = "select_users", "Select users"
    OTHER = "other", "Other"


class PresalesRequest(models.Model):
    """What a CE files for a prospect; its ticket (same id) is what support ranks and works."""

    # The ticket is the primary key: a request's id is its ticket's id, in pages and the API.
    ticket = models.OneToOneField(
        Ticket, primary_key=True, on_delete=models.PROTECT, related_name="presales_request"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="presales_requests"
    )
    summary = models.CharField(max_length=200)
    attempted_and_expected = models.TextField()
    steps_taken = models.TextField()
    impact_scope = models.CharField(max_length=20, choices=ImpactScope.choices, blank=True)
    impact = models.TextField()
    design_doc_links = models.JSONField(default=list, blank=True)
    sales_context = models.TextField()
    key_dates_text = models.TextField(
        blank=True, help_text="Key dates as the CE wrote them, when they were not all dates."
    )
    created_at = models.DateTimeField()
    # A request mailed with R9 fields missing still enters the queue (the prospect's problem is
    # real); the CE was asked once for what is missing and completes it in the web form.
    incomplete = models.BooleanField(default=False, db_default=False)
    missing_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-ticket_id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="presales_mine")]
        constraints = [
            models.CheckConstraint(
                condition=Q(impact_scope="") | Q(impact_scope__in=ImpactScope.values),
                name="presales_impact_scope",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("presales-request", args=[self.pk])


class KeyDate(models.Model):
    """A date in the prospect's sales cycle that support should know of ("decision 2026-12-15")."""

    request = models.ForeignKey(PresalesRequest, on_delete=models.PROTECT, related_name="key_dates")
    date = models.DateField()
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["date", "request"], name="presales_key_date")]

    def __str__(self) -> str:
        return f"{self.label} {self.date:%Y-%m-%d}"


class ExceptionKind(models.TextChoices):
    MONITOR_CHANNEL = "monitor_channel", "Support monitors the prospect's trial channel"
    FRONT_LINE = "front_line", "Support acts as front line for the prospect"
    OTHER = "other", "Other"


class ExceptionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for leadership"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class PresalesException(models.Model):
    """A CE's request to CS leadership for an exception to the pre-sales process."""

    kind = models.CharField(max_length=20, choices=ExceptionKind.choices)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="presales_exceptions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="presales_exceptions"
    )
    reason = models.TextField()
    ends_on = models.DateField(help_text="The exception lapses after this date.")
    status = models.CharField(
        max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # Set by a conditional UPDATE when the mail goes out, so a re-run task sends nothing twice.
    request_notified_at = models.DateTimeField(null=True, blank=True)
    decision_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(status="pending"), name="presales_exc_open"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExceptionStatus.values), name="presales_exc_status"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ExceptionKind.values), name="presales_exc_kind"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="presales_exc_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"Exception #{self.pk}: {self.get_kind_display()} for {self.account.name}"

    def get_absolute_url(self) -> str:
        return reverse("presales-exception", args=[self.pk])


class ExceptionEvent(models.Model):
    """One line of an exception's own history: requested, approved, denied."""

    exception = models.ForeignKey(
        PresalesException, on_delete=models.PROTECT, related_name="history"
    )
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ExceptionStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.status}"


class ChannelEngagement(models.Model):
    """A support engineer in a prospect's trial channel for a ticket, until they leave."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="channel_engagements")
    channel = models.CharField(max_length=200, help_text="Channel name or link, e.g. #trial-acme.")
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="channel_engagements"
    )
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    # Set once, by a conditional UPDATE, when the "time to leave" reminder goes out.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-joined_at", "-id"]
        indexes = [
            models.Index(
                fields=["joined_at"],
                condition=Q(left_at__isnull=True, reminded_at__isnull=True),
                name="presales_channel_unreminded",
            ),
            models.Index(
                fields=["engineer", "joined_at"],
                condition=Q(left_at__isnull=True),
                name="presales_channel_joined",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "engineer", "channel"],
                condition=Q(left_at__isnull=True),
                name="presales_channel_once",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="presales_channel_left_after_join",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engineer} in {self.channel} for #{self.ticket_id}"

    @property
    def joined(self) -> bool:
        return self.left_at is None
