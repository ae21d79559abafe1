"""HTML pages. The support engineer's screens are built out in their own issue."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from queues.selectors import open_queue, position_of
from triage import roles
from triage.apis import visible_tickets
from triage.models import Account


@login_required
def home(request):
    if not roles.is_staff_role(request.user):
        return render(request, "home_ce.html", {"tickets": visible_tickets(request.user)[:50]})
    return render(request, "queue.html", {"tickets": open_queue()[:50]})


@login_required
def ticket_detail(request, pk: int):
    ticket = get_object_or_404(visible_tickets(request.user), pk=pk)
    events = ticket.events.select_related("actor")
    return render(
        request,
        "ticket.html",
        {"ticket": ticket, "position": position_of(ticket), "events": events},
    )


@login_required
def account_detail(request, pk: int):
    if not roles.is_staff_role(request.user):
        raise PermissionDenied
    account = get_object_or_404(Account, pk=pk)
    tickets = open_queue().filter(account=account)
    return render(request, "account.html", {"account": account, "tickets": tickets})
