"""Mail pages: the quarantine (leadership and support), an unknown sender's account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mail import selectors
from mail.forms import AccountPickForm
from mail.services.quarantine import quarantine_release
from shared import roles
from shared.errors import Conflict
from shared.web import staff_required
from triage.models import Message, MessageKind
from triage.selectors import visible_tickets
from triage.services import ticket_set_account


@staff_required
def quarantine(request):
    roles.require_role(request.user, roles.LEADERSHIP, roles.SUPPORT, action="see the quarantine")
    held = list(selectors.quarantine_list()[: selectors.QUARANTINE_PAGE])
    return render(request, "mail/quarantine.html", {"held": held})


@require_POST
@staff_required
def quarantine_release_view(request, pk: int):
    roles.require_role(request.user, roles.LEADERSHIP, roles.SUPPORT, action="release mail")
    message = get_object_or_404(Message, pk=pk, kind=MessageKind.QUARANTINED)
    try:
        message = quarantine_release(message=message, by=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("mail-quarantine")
    if message.ticket_id:
        messages.success(request, f"Released: it is on ticket #{message.ticket_id}.")
        return redirect(message.ticket)
    messages.success(request, "Released.")
    return redirect("mail-quarantine")


@require_POST
@staff_required
def ticket_account(request, pk: int):
    ticket = get_object_or_404(visible_tickets(request.user), pk=pk)
    roles.require_role(request.user, roles.SUPPORT, action="pick a ticket's account")
    form = AccountPickForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(ticket)
    try:
        ticket = ticket_set_account(
            ticket=ticket,
            by=request.user,
            account=form.cleaned_data["account"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Account: {ticket.account.name}; it now ranks as {ticket.get_tier_display()}."
        )
    return redirect(ticket)
