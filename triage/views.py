"""HTML pages for the support team: a ticket, new tickets, accounts (the queue page is queues').

Every action is a plain form POST that redirects (works without JavaScript); htmx only refreshes
the queue's rows and the account search in place. Views are thin: they check the role, validate
a form, call one service or selector, and answer with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shared import roles
from shared.errors import Conflict
from shared.forms import add_service_errors
from shared.validation import search_text
from shared.web import staff_required
from triage import rank, services
from triage import status as statuses
from triage.forms import (
    STATUS_ACTIONS,
    AccountAddressForm,
    AssignForm,
    ContactEmailForm,
    ReasonForm,
    ReplyForm,
    StatusForm,
    TicketCreateForm,
    TriageForm,
)
from triage.models import OPEN_STATUSES, Account, Source, Status, Ticket
from triage.selectors import (
    account_addresses,
    open_queue,
    place_and_above,
    positions_of,
    ticket_thread,
    ticket_timeline,
    visible_ticket,
)

ACCOUNT_PAGE_SIZE = 100
ACCOUNT_CHOICES = 20


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- A ticket --------------------------------------------------------------------------------


def _ticket_page(request, ticket: Ticket, status: int = 200, **forms) -> HttpResponse:
    position, above = place_and_above(ticket)
    is_support = roles.has_role(request.user, roles.SUPPORT)
    offers_assignment = is_support and ticket.is_open
    triage_form = forms.get("triage_form") or TriageForm(ticket=ticket)
    context = {
        "ticket": ticket,
        "position": position,
        "above": above,
        "why": ticket.why(),
        "why_below": rank.why_below(ticket.facts(), above.facts()) if above else "",
        "events": ticket_timeline(ticket, request.user),
        "thread": ticket_thread(ticket),
        "now": timezone.now(),
        "is_staff_role": roles.is_staff_role(request.user),
        "is_support": is_support,
        "can_pin": roles.has_role(request.user, roles.SUPPORT, roles.LEADERSHIP),
        "triage_form": triage_form,
        "suggestions": triage_form.suggestions(),
        "suggested_now": triage_form.suggestion_for(
            triage_form.data.get("severity") or triage_form.initial["severity"]
        ),
        "status_actions": [
            (s, STATUS_ACTIONS.get(s, Status(s).label))
            if not (ticket.status == Status.RESOLVED and s == Status.IN_PROGRESS)
            else (s, "Reopen")
            for s in statuses.allowed_next(ticket.status)
        ],
        # `escalated` is no status button (R8): the Status row opens the escalation form.
        "escalation_path": ticket.status in statuses.PATHS[statuses.ESCALATION],
        "offers_assignment": offers_assignment,
        # The assignee list is a read: only for the page that offers assignment.
        "assign_form": forms.get("assign_form")
        or (AssignForm(initial={"assignee": ticket.assignee_id}) if offers_assignment else None),
        "pin_form": forms.get("pin_form") or ReasonForm(prefix="pin"),
        "reply_form": forms.get("reply_form") or ReplyForm(),
    }
    return render(request, "ticket.html", context, status=status)


def _ticket_for(request, pk: int) -> Ticket:
    ticket = visible_ticket(request.user, pk)
    if ticket is None:
        raise Http404("No ticket matches the given query.")
    return ticket


@login_required
def ticket_detail(request, pk: int):
    ticket = _ticket_for(request, pk)
    if not roles.is_staff_role(request.user) and ticket.source == Source.PRESALES:
        # A CE follows their request on its own page, with the request's context.
        return redirect("presales-request", pk=ticket.pk)
    return _ticket_page(request, ticket)


def _done(request, ticket: Ticket, text: str):
    messages.success(request, text)
    return redirect(ticket)


def _conflict(request, ticket: Ticket, exc: Conflict):
    messages.error(request, exc.message)
    return redirect(ticket)


@require_POST
@staff_required
def ticket_triage(request, pk: int):
    ticket = _ticket_for(request, pk)
    roles.require_role(request.user, roles.SUPPORT, action="triage tickets")
    form = TriageForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket = services.ticket_triage(ticket=ticket, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            return _conflict(request, ticket, exc)
        else:
            return _done(
                request,
                ticket,
                f"Triaged: severity {ticket.severity}, priority {ticket.priority}.",
            )
    messages.error(request, "Nothing was saved: see the triage form.")
    return _ticket_page(request, ticket, status=400, triage_form=form)


@require_POST
@staff_required
def ticket_status(request, pk: int):
    ticket = _ticket_for(request, pk)
    roles.require_role(request.user, roles.SUPPORT, action="change a ticket's status")
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the status buttons.")
        return redirect(ticket)
    try:
        ticket = services.ticket_set_status(ticket=ticket, by=request.user, **form.cleaned_data)
    except Conflict as exc:
        return _conflict(request, ticket, exc)
    return _done(request, ticket, f"Status is now “{ticket.get_status_display()}”.")


@require_POST
@staff_required
def ticket_assign(request, pk: int):
    ticket = _ticket_for(request, pk)
    roles.require_role(request.user, roles.SUPPORT, action="assign tickets")
    if request.POST.get("to") == "me":
        assignee, reason = request.user, "took it"
    else:
        form = AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Nothing was saved: choose someone from the list.")
            return _ticket_page(request, ticket, status=400, assign_form=form)
        assignee, reason = form.cleaned_data["assignee"], form.cleaned_data["reason"]
    try:
        ticket = services.ticket_assign(
            ticket=ticket, by=request.user, assignee=assignee, reason=reason
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(ticket)
    except Conflict as exc:
        return _conflict(request, ticket, exc)
    who = "you" if assignee == request.user else (assignee.username if assignee else "nobody")
    return _done(request, ticket, f"Assigned to {who}.")


@require_POST
@staff_required
def ticket_pin(request, pk: int):
    return _pin_or_unpin(request, pk, services.ticket_pin, "Pinned above the order.")


@require_POST
@staff_required
def ticket_unpin(request, pk: int):
    return _pin_or_unpin(request, pk, services.ticket_unpin, "Unpinned: back in its place.")


def _pin_or_unpin(request, pk: int, service, done: str):
    ticket = _ticket_for(request, pk)
    roles.require_role(request.user, roles.SUPPORT, roles.LEADERSHIP, action="pin or unpin tickets")
    form = ReasonForm(request.POST, prefix="pin")
    if form.is_valid():
        try:
            ticket = service(ticket=ticket, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.messages)
        except Conflict as exc:
            return _conflict(request, ticket, exc)
        else:
            return _done(request, ticket, done)
    messages.error(request, "Nothing was saved: a pin needs a written reason (R5).")
    return _ticket_page(request, ticket, status=400, pin_form=form)


@require_POST
@staff_required
def ticket_reply(request, pk: int):
    ticket = _ticket_for(request, pk)
    roles.require_role(request.user, roles.SUPPORT, action="reply on tickets")
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_reply(ticket=ticket, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            return _conflict(request, ticket, exc)
        else:
            public, first = form.cleaned_data["public"], form.cleaned_data["first_response"]
            text = "Reply sent to the customer." if public else "Internal note added."
            if first and public and ticket.first_response_at is None:
                text += " First response recorded."
            return _done(request, ticket, text)
    messages.error(request, "Nothing was saved: see the reply form.")
    return _ticket_page(request, ticket, status=400, reply_form=form)


# --- New ticket and accounts -----------------------------------------------------------------


def _account_matches(q: str, selected: str | None = None) -> list[Account]:
    accounts = list(Account.objects.filter(name__icontains=q)[:ACCOUNT_CHOICES]) if q else []
    if selected and selected.isdigit() and all(str(a.pk) != selected for a in accounts):
        accounts = list(Account.objects.filter(pk=selected)) + accounts
    return accounts


@staff_required
def ticket_new(request):
    """File a ticket on behalf of a customer; the account picker searches without JS too."""
    roles.require_role(request.user, roles.SUPPORT, roles.LEADERSHIP, action="file tickets")
    data = request.POST if request.method == "POST" else request.GET
    q = search_text(data.get("account_q", ""))
    accounts = _account_matches(q, data.get("account"))
    if request.htmx and request.method == "GET":
        form = TicketCreateForm(accounts=accounts, initial={"account": data.get("account")})
        return render(request, "partials/account_choices.html", {"form": form, "q": q})
    if request.method == "POST" and "find" not in data:
        form = TicketCreateForm(request.POST, accounts=accounts)
        if form.is_valid():
            try:
                ticket = services.ticket_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _done(request, ticket, f"Filed #{ticket.pk}: it is in the queue.")
        messages.error(request, "Nothing was saved: see the form.")
        return render(request, "ticket_new.html", {"form": form, "q": q}, status=400)
    form = TicketCreateForm(accounts=accounts, initial=data.dict())
    return render(request, "ticket_new.html", {"form": form, "q": q})


@staff_required
def account_list(request):
    q = search_text(request.GET.get("q", ""))
    try:
        page_number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page_number = 1
    accounts = Account.objects.annotate(
        open_tickets=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES))
    )
    if q:
        accounts = accounts.filter(name__icontains=q)
    offset = (page_number - 1) * ACCOUNT_PAGE_SIZE
    page = list(accounts.order_by("name", "id")[offset : offset + ACCOUNT_PAGE_SIZE + 1])
    has_next, page = len(page) > ACCOUNT_PAGE_SIZE, page[:ACCOUNT_PAGE_SIZE]

    def page_url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"{reverse('account-list')}?{query.urlencode()}"

    return render(
        request,
        "accounts.html",
        {
            "accounts": page,
            "q": q,
            "next_url": page_url(page_number + 1) if has_next else None,
            "previous_url": page_url(page_number - 1) if page_number > 1 else None,
        },
    )


@staff_required
def account_detail(request, pk: int):
    account = get_object_or_404(Account, pk=pk)
    contact_form = ContactEmailForm(initial={"contact_email": account.contact_email})
    if request.method == "POST":
        roles.require_role(
            request.user, roles.SUPPORT, roles.LEADERSHIP, action="change an account's contact"
        )
        contact_form = ContactEmailForm(request.POST)
        if contact_form.is_valid():
            try:
                services.account_set_contact_email(
                    account=account,
                    email=contact_form.cleaned_data["contact_email"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(contact_form, error)
            else:
                messages.success(request, "Contact e-mail saved.")
                return redirect("account-detail", pk=account.pk)
    return account_page(request, account, contact_form=contact_form)


def account_page(request, account: Account, *, contact_form=None, address_form=None):
    """Render an account's page; a form with errors answers 400."""
    can_edit = roles.has_role(request.user, roles.SUPPORT, roles.LEADERSHIP)
    contact_form = contact_form or ContactEmailForm(
        initial={"contact_email": account.contact_email}
    )
    address_form = address_form or AccountAddressForm()
    tickets = list(open_queue().filter(account=account)[:200])
    positions = positions_of(tickets)
    return render(
        request,
        "account.html",
        {
            "account": account,
            "rows": [(positions.get(t.pk), t) for t in tickets],
            "now": timezone.now(),
            "source_for_new": Source.PRESALES if account.tier == "presales" else Source.CUSTOMER,
            "contact_form": contact_form if can_edit else None,
            "addresses": account_addresses(account),
            "address_form": address_form if can_edit else None,
        },
        status=400 if contact_form.errors or address_form.errors else 200,
    )
