"""Writes for escalations (R8): support escalates with full context, engineering decides timing."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.celery import send_after_commit
from escalations import gate
from escalations.models import (
    DECISION_STATE,
    PENDING_STATES,
    Decision,
    Escalation,
    EscalationDecision,
    EscalationState,
    Urgency,
)
from escalations.tasks import escalation_decision_notify
from shared import roles
from shared.errors import Conflict, invalid
from shared.validation import LINE_MAX, REASON_MAX, clean_fields
from triage import status as ticket_status
from triage.models import EventKind, Status, Ticket
from triage.services import event_record, ticket_set_status

TEXT_MAX = gate.CONTEXT_MAX


def _locked_ticket(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)


def _locked(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_related("ticket")
        .select_for_update(of=("self",))
        .get(pk=escalation.pk)
    )


@transaction.atomic
def escalation_create(
    *,
    ticket: Ticket,
    by: User,
    summary: str,
    reproduction_steps: str,
    impact: str,
    customer_deadline: date | None,
    tried: str,
    links: list[str],
    urgency: str = Urgency.NORMAL,
    cannot_wait_a_day: bool = False,
    justification: str = "",
    no_customer_deadline: bool = False,
    no_links: bool = False,
    now: datetime | None = None,
) -> Escalation:
    """Escalate a ticket to engineering with its full context; the ticket becomes escalated.

    The deadline and the links may be stated as none (`no_customer_deadline`, `no_links`),
    never left out. The ticket moves along the status table's escalation path (R8).
    """
    now = now or timezone.now()
    ticket = _locked_ticket(ticket)
    pending = ticket.escalations.filter(state__in=PENDING_STATES).first()
    if pending:
        raise Conflict(
            f"Ticket #{ticket.pk} already has an open escalation (#{pending.pk}, "
            f"{pending.get_state_display().lower()}); wait for engineering's decision."
        )
    problem = gate.status_problem(ticket.status)
    if problem:
        raise Conflict(problem)
    # Every problem is reported at once, so the form shows all its errors in one round trip.
    # The summary is one line; the context keeps its line breaks (shared.validation).
    cleaned, errors = clean_fields(
        {"summary": (summary, LINE_MAX)},
        {
            "reproduction_steps": (reproduction_steps, TEXT_MAX),
            "impact": (impact, TEXT_MAX),
            "tried": (tried, TEXT_MAX),
            "justification": (justification, TEXT_MAX),
        },
    )
    justification = cleaned.get("justification", "")
    text = {
        name: cleaned.get(name, "") for name in ("summary", "reproduction_steps", "impact", "tried")
    }
    errors = {**gate.context_problems(**text), **errors}
    errors.update(gate.deadline_problems(customer_deadline, none_stated=no_customer_deadline))
    links, link_errors = gate.links_problems(links, none_stated=no_links)
    errors.update(link_errors)
    errors.update(
        gate.urgency_problems(
            priority=ticket.priority,
            urgency=urgency,
            cannot_wait_a_day=cannot_wait_a_day,
            justification=justification,
        )
    )
    if errors:
        raise invalid(**errors)
    escalation = Escalation(
        ticket=ticket,
        state=EscalationState.OPEN,
        urgency=urgency,
        customer_deadline=customer_deadline,
        links=links,
        cannot_wait_a_day=cannot_wait_a_day,
        justification=justification,
        created_by=by,
        created_at=now,
        updated_at=now,
        **text,
    )
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError:
        raise Conflict(f"Ticket #{ticket.pk} already has an open escalation.") from None
    event_record(
        ticket=ticket,
        kind=EventKind.ESCALATION,
        by=by,
        now=now,
        from_value="",
        to_value=f"escalated ({urgency})",
        reason=justification or text["summary"],
        body=text["summary"],
    )
    ticket_set_status(
        ticket=ticket,
        by=by,
        status=Status.ESCALATED,
        reason="escalated to engineering",
        now=now,
        through=ticket_status.ESCALATION,
    )
    return escalation


def escalation_withdraw_on_move(
    *, ticket: Ticket, by: User | None, status: str, reason: str, now: datetime
) -> None:
    """Withdraw the ticket's undecided escalation as support moves it out of `escalated` (R8).

    Runs inside `ticket_set_status`'s transaction (`triage.hooks.ticket_left_escalated_hooks`):
    a ticket that is no longer escalated keeps no escalation waiting for a decision, so the
    inbox never shows work support took back, and reopening never revives a stale one. An
    accepted escalation stays: engineering scheduled the work. A decline moves the ticket after
    deciding, so it finds nothing pending here.
    """
    pending = (
        Escalation.objects.select_for_update()
        .filter(ticket_id=ticket.pk, state__in=PENDING_STATES)
        .first()
    )
    if pending is None:
        return
    was = pending.state
    pending.state = EscalationState.WITHDRAWN
    pending.updated_at = now
    pending.save(update_fields=["state", "updated_at"])
    why = f"support moved the ticket to “{Status(status).label.lower()}”"
    event_record(
        ticket=ticket,
        kind=EventKind.ESCALATION,
        by=by,
        now=now,
        from_value=was,
        to_value=EscalationState.WITHDRAWN,
        reason=f"{why}: {reason}" if reason else why,
    )


@transaction.atomic
def escalation_decide(
    *,
    escalation: Escalation,
    by: User,
    decision: str,
    target_date: date | None = None,
    question: str = "",
    reason: str = "",
    now: datetime | None = None,
) -> Escalation:
    """Accept (with a target date), ask support for context, or decline (with a reason)."""
    now = now or timezone.now()
    if not roles.has_role(by, roles.ENGINEERING):
        raise PermissionDenied("Only engineering decides escalations.")
    escalation = _locked(escalation)
    if escalation.state != EscalationState.OPEN:
        waiting = (
            " It is waiting for support's answer."
            if escalation.state == EscalationState.NEEDS_CONTEXT
            else ""
        )
        raise Conflict(
            f"Escalation #{escalation.pk} is {escalation.state}; only an escalation in the "
            f"inbox can be decided.{waiting}"
        )
    cleaned, errors = clean_fields(
        {}, {"question": (question, TEXT_MAX), "reason": (reason, REASON_MAX)}
    )
    if errors:
        raise invalid(**errors)
    question, reason = cleaned["question"], cleaned["reason"]
    if decision == Decision.ACCEPT:
        if target_date is None:
            raise invalid(target_date="Accepting needs a target date.")
        if target_date < now.date():
            raise invalid(target_date="The target date is in the past.")
        escalation.target_date = target_date
        to_value = f"accepted, target {target_date.isoformat()}"
    elif decision == Decision.ASK:
        if not question:
            raise invalid(question="Write the question support should answer.")
        escalation.question, escalation.answer = question, ""
        to_value = "needs context"
    elif decision == Decision.DECLINE:
        if not reason:
            raise invalid(reason="Say why engineering declines.")
        escalation.decline_reason = reason
        to_value = "declined"
    else:
        raise invalid(decision=f"“{decision}” is not one of: {', '.join(Decision.values)}.")
    escalation.state = DECISION_STATE[decision]
    escalation.updated_at = now
    escalation.save()
    row = EscalationDecision.objects.create(
        escalation=escalation,
        decision=decision,
        by=by,
        at=now,
        target_date=escalation.target_date if decision == Decision.ACCEPT else None,
        question=question if decision == Decision.ASK else "",
        reason=reason if decision == Decision.DECLINE else "",
    )
    ticket = escalation.ticket
    event_record(
        ticket=ticket,
        kind=EventKind.ESCALATION,
        by=by,
        now=now,
        from_value="escalated",
        to_value=to_value,
        reason=reason if decision == Decision.DECLINE else "",
        body=question if decision == Decision.ASK else "",
    )
    if decision == Decision.DECLINE and ticket.status == Status.ESCALATED:
        # Declined work is back with support.
        ticket_set_status(
            ticket=ticket,
            by=by,
            status=Status.IN_PROGRESS,
            reason=f"engineering declined the escalation: {reason}",
            now=now,
        )
    send_after_commit(escalation_decision_notify, row.pk)
    return escalation


@transaction.atomic
def escalation_answer(
    *, escalation: Escalation, by: User, answer: str, now: datetime | None = None
) -> Escalation:
    """Answer engineering's question; the escalation returns to the inbox."""
    now = now or timezone.now()
    escalation = _locked(escalation)
    if escalation.state != EscalationState.NEEDS_CONTEXT:
        raise Conflict(
            f"Escalation #{escalation.pk} is {escalation.state}; there is no question to answer."
        )
    cleaned, errors = clean_fields({}, {"answer": (answer, TEXT_MAX)})
    if errors:
        raise invalid(**errors)
    answer = cleaned["answer"]
    if not answer:
        raise invalid(answer="Write the answer to engineering's question.")
    escalation.answer = answer
    escalation.state = EscalationState.OPEN
    escalation.updated_at = now
    escalation.save()
    event_record(
        ticket=escalation.ticket,
        kind=EventKind.ESCALATION,
        by=by,
        now=now,
        from_value="needs context",
        to_value="answered, back in engineering's inbox",
        body=answer,
    )
    return escalation
