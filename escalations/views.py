"""HTML pages for escalations: the form on the ticket, engineering's inbox, decisions, answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from escalations import selectors as selectors
from escalations import services as services
from escalations.forms import AnswerForm, DecisionForm, EscalateForm
from escalations.models import Decision, Escalation
from shared import roles
from shared.errors import Conflict
from shared.forms import add_service_errors
from triage.selectors import positions_of, visible_tickets

READERS = (roles.SUPPORT, roles.ENGINEERING, roles.LEADERSHIP)
DONE = {
    Decision.ACCEPT: "accepted",
    Decision.ASK: "sent back to support with your question",
    Decision.DECLINE: "declined",
}


def _apply(form, call) -> tuple[object | None, int]:
    """Run a service with the form's data; put its errors on the form and return a status."""
    try:
        return call(), 200
    except ValidationError as e:
        add_service_errors(form, e)
        return None, 400
    except Conflict as e:
        form.add_error(None, e.message)
        return None, 409


@login_required
def ticket_escalate(request, pk: int):
    """Show (GET) or submit (POST) the escalation form for one ticket."""
    roles.require_role(request.user, roles.SUPPORT)
    ticket = get_object_or_404(visible_tickets(request.user), pk=pk)
    form = EscalateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            escalation, status = _apply(
                form,
                lambda: services.escalation_create(
                    ticket=ticket, by=request.user, **form.cleaned_data
                ),
            )
            if escalation:
                messages.success(request, f"Escalated to engineering (#{escalation.pk}).")
                return redirect(ticket)
    return render(
        request,
        "escalations/escalate.html",
        {"ticket": ticket, "form": form},
        status=status,
    )


def _with_positions(escalations: list[Escalation]) -> list[Escalation]:
    positions = positions_of([e.ticket for e in escalations])
    for e in escalations:
        e.position = positions.get(e.ticket_id)
    return escalations


@login_required
def inbox(request):
    """Engineering's inbox: drop-everything first, then the queue's order (R4, R8); below it
    what waits on support, and what engineering accepted (scheduled) until the ticket resolves."""
    roles.require_role(request.user, roles.ENGINEERING, roles.LEADERSHIP)
    return render(
        request,
        "escalations/inbox.html",
        {
            "escalations": _with_positions(list(selectors.engineering_inbox())),
            "waiting": _with_positions(list(selectors.escalations_waiting_on_support())),
            "scheduled": _with_positions(list(selectors.engineering_scheduled())),
            "can_decide": roles.has_role(request.user, roles.ENGINEERING),
        },
    )


def _detail(request, escalation: Escalation, *, forms=None, status: int = 200):
    escalation = selectors.escalations_with_context().get(pk=escalation.pk)
    _with_positions([escalation])
    forms = forms or {}
    return render(
        request,
        "escalations/detail.html",
        {
            "e": escalation,
            "can_decide": roles.has_role(request.user, roles.ENGINEERING),
            "can_answer": roles.has_role(request.user, roles.SUPPORT),
            "decision_form": forms.get("decision"),
            "answer_form": forms.get("answer") or AnswerForm(),
        },
        status=status,
    )


@login_required
def escalation_detail(request, pk: int):
    roles.require_role(request.user, *READERS)
    return _detail(request, get_object_or_404(Escalation, pk=pk))


@login_required
@require_POST
def escalation_decide(request, pk: int):
    """Engineering accepts, asks for context or declines; errors show on the escalation page."""
    roles.require_role(request.user, roles.ENGINEERING)
    escalation = get_object_or_404(Escalation, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, escalation, forms={"decision": form}, status=400)
    done, status = _apply(
        form,
        lambda: services.escalation_decide(
            escalation=escalation, by=request.user, **form.cleaned_data
        ),
    )
    if not done:
        return _detail(request, escalation, forms={"decision": form}, status=status)
    done_text = DONE[form.cleaned_data["decision"]]
    messages.success(request, f"Escalation #{escalation.pk} {done_text}; support is notified.")
    return redirect("engineering-inbox")


@login_required
@require_POST
def escalation_answer(request, pk: int):
    """Support answers engineering's question; the escalation returns to the inbox."""
    roles.require_role(request.user, roles.SUPPORT)
    escalation = get_object_or_404(Escalation, pk=pk)
    form = AnswerForm(request.POST)
    status = 400
    if form.is_valid():
        done, status = _apply(
            form,
            lambda: services.escalation_answer(
                escalation=escalation, by=request.user, **form.cleaned_data
            ),
        )
        if done:
            messages.success(request, "Answer sent: the escalation is back in engineering's inbox.")
            return redirect(escalation.ticket)
    return _detail(request, escalation, forms={"answer": form}, status=status)
