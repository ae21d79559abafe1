"""Engineering escalations (R8): full context from support, timing decided by engineering."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Urgency(models.TextChoices):
    # The inbox sorts on this column in SQL: the values must sort drop_everything first.
    DROP_EVERYTHING = "drop_everything", "Drop everything"
    NORMAL = "normal", "Normal (engineering sets the timing)"


assert sorted(Urgency.values) == list(Urgency.values), "Urgency values must sort most urgent first"


class EscalationState(models.TextChoices):
    OPEN = "open", "In engineering's inbox"
    NEEDS_CONTEXT = "needs_context", "Engineering asked for more context"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    # Support moved the ticket on (took it back, asked the customer, resolved it) before
    # engineering decided: the ticket is no longer escalated, so nothing is left to decide (R8).
    WITHDRAWN = "withdrawn", "Withdrawn by support"


# Awaiting a decision (in the inbox, or back with support for context): one per ticket at a time.
PENDING_STATES = (EscalationState.OPEN, EscalationState.NEEDS_CONTEXT)


class Decision(models.TextChoices):
    ACCEPT = "accept", "Accept"
    ASK = "ask", "Ask for more context"
    DECLINE = "decline", "Decline"


DECISION_STATE = {
    Decision.ACCEPT: EscalationState.ACCEPTED,
    Decision.ASK: EscalationState.NEEDS_CONTEXT,
    Decision.DECLINE: EscalationState.DECLINED,
}


class Escalation(models.Model):
    """A ticket handed to engineering with everything they need to decide its timing."""

    ticket = models.ForeignKey(
        "triage.Ticket", on_delete=models.PROTECT, related_name="escalations"
    )
    state = models.CharField(
        max_length=16, choices=EscalationState.choices, default=EscalationState.OPEN
    )
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    summary = models.CharField(max_length=200)
    reproduction_steps = models.TextField()
    impact = models.TextField()
    # None: support stated that the customer has no deadline (never left out: escalations.gate).
    customer_deadline = models.DateField(null=True, blank=True)
    tried = models.TextField(help_text="What support already tried.")
    links = models.JSONField(
        default=list, help_text="Logs, design documents: a list of URLs (empty: stated none)."
    )
    cannot_wait_a_day = models.BooleanField(default=False)
    justification = models.TextField(blank=True, help_text="Why this cannot wait a day.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # The latest round of each decision; the full history is in EscalationDecision and the timeline.
    target_date = models.DateField(null=True, blank=True)
    question = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        db_table = "triage_escalation"  # created by triage before escalations had an app
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["urgency"], condition=Q(state="open"), name="escalation_inbox"),
            models.Index(fields=["state", "created_at"], name="escalation_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(state__in=PENDING_STATES),
                name="escalation_one_pending_per_ticket",
            ),
            models.CheckConstraint(
                condition=Q(state__in=EscalationState.values), name="escalation_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="escalation_urgency_valid"
            ),
            models.CheckConstraint(
                condition=~Q(urgency=Urgency.DROP_EVERYTHING)
                | (Q(cannot_wait_a_day=True) & ~Q(justification="")),
                name="escalation_drop_everything_justified",
            ),
            models.CheckConstraint(
                condition=~Q(state=EscalationState.ACCEPTED) | Q(target_date__isnull=False),
                name="escalation_accepted_has_target_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=EscalationState.DECLINED) | ~Q(decline_reason=""),
                name="escalation_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=EscalationState.NEEDS_CONTEXT) | ~Q(question=""),
                name="escalation_ask_has_question",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation #{self.pk} of ticket #{self.ticket_id}: {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("escalation-detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def no_customer_deadline(self) -> bool:
        return self.customer_deadline is None

    @property
    def no_links(self) -> bool:
        return not self.links


class EscalationDecision(models.Model):
    """One decision by engineering; `notified_at` makes the email to support idempotent."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    target_date = models.DateField(null=True, blank=True)
    question = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "triage_escalationdecision"
        ordering = ["at", "id"]
        indexes = [
            models.Index(
                fields=["at"], condition=Q(notified_at__isnull=True), name="decision_unnotified"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="decision_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.ACCEPT) | Q(target_date__isnull=False),
                name="decision_accept_has_target_date",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.ASK) | ~Q(question=""),
                name="decision_ask_has_question",
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.DECLINE) | ~Q(reason=""),
                name="decision_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} on escalation #{self.escalation_id}"
