"""HTML pages for pre-sales: the CE's form and list, exceptions, trial channels. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from presales import selectors, services
from presales.forms import (
    ChannelJoinForm,
    ExceptionDecisionForm,
    ExceptionRequestForm,
    KeyDateFormSet,
    PresalesCompleteForm,
    PresalesRequestForm,
)
from presales.models import ExceptionStatus
from queues.models import NoticeStatus
from queues.selectors import ticket_notices
from shared import roles
from shared.errors import Conflict
from shared.forms import add_service_errors
from triage.selectors import visible_tickets


@login_required
def my_requests(request):
    """The CE's landing page: their own requests; support and leadership see every request."""
    roles.require_role(request.user, roles.CE, roles.SUPPORT, roles.LEADERSHIP)
    rows = selectors.my_requests_rows(list(selectors.presales_tickets_for(request.user)[:100]))
    return render(
        request,
        "presales/my_requests.html",
        {"rows": rows, "is_ce": roles.has_role(request.user, roles.CE), "now": timezone.now()},
    )


@login_required
def request_new(request):
    roles.require_role(request.user, roles.CE)
    form = PresalesRequestForm(request.POST or None)
    dates = KeyDateFormSet(request.POST or None, prefix="key_dates")
    if request.method == "POST":
        form_ok, dates_ok = form.is_valid(), dates.is_valid()
        if form_ok and dates_ok:
            v = form.cleaned_data
            key_dates = [
                (d["date"], d["label"].strip()) for d in dates.cleaned_data if d and d.get("date")
            ]
            try:
                created = services.presales_request_create(
                    by=request.user,
                    account=v["account"],
                    new_account_name=v["new_account_name"] if not v["account"] else "",
                    new_account_deployment=v["new_account_deployment"],
                    summary=v["summary"],
                    attempted_and_expected=v["attempted_and_expected"],
                    steps_taken=v["steps_taken"],
                    impact_scope=v["impact_scope"],
                    impact=v["impact"],
                    design_doc_links=v["design_doc_links"],
                    sales_context=v["sales_context"],
                    key_dates=key_dates,
                )
            except ValidationError as e:
                errors = e.message_dict
                # The inline account's name clashes with an existing account.
                if "name" in errors:
                    form.add_error("new_account_name", errors.pop("name"))
                if errors:
                    add_service_errors(form, ValidationError(errors))
            else:
                messages.success(request, f"Request #{created.pk} is in support's queue.")
                return redirect(created)
        status = 400
    else:
        status = 200
    return render(
        request, "presales/request_form.html", {"form": form, "dates": dates}, status=status
    )


@login_required
def request_complete(request, pk: int):
    """Complete a request a CE mailed with R9 fields missing (the link in our reply)."""
    roles.require_role(request.user, roles.CE, roles.SUPPORT, action="complete a request")
    r = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    initial = {
        "summary": r.summary,
        "attempted_and_expected": r.attempted_and_expected,
        "steps_taken": r.steps_taken,
        "impact_scope": r.impact_scope,
        "impact": r.impact,
        "design_doc_links": "\n".join(r.design_doc_links),
        "sales_context": r.sales_context,
    }
    form = PresalesCompleteForm(
        request.POST or None, initial=initial, ask_prospect="prospect" in r.missing_fields
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.presales_request_complete(request=r, by=request.user, **form.cleaned_data)
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, f"Request #{r.pk} is complete.")
                return redirect(r)
        status = 400
    # In the form's order, the prospect first.
    missing = [field.label for name, field in form.fields.items() if name in r.missing_fields]
    return render(
        request,
        "presales/request_complete.html",
        {"form": form, "r": r, "missing": missing},
        status=status,
    )


@login_required
def request_detail(request, pk: int):
    roles.require_role(request.user, roles.CE, roles.SUPPORT, roles.LEADERSHIP)
    ticket = get_object_or_404(selectors.presales_tickets_for(request.user), pk=pk)
    row = selectors.my_requests_rows([ticket])[0]
    exceptions = selectors.exceptions_for(request.user).filter(ticket_id=ticket.pk)
    # R7: proactive notices sent while the queue was backed up show here too (the CE relays).
    notices = ticket_notices(ticket.pk).filter(status=NoticeStatus.SENT)
    return render(
        request,
        "presales/request_detail.html",
        {
            "row": row,
            "r": row["request"],
            "t": ticket,
            "now": timezone.now(),
            "exceptions": exceptions,
            "notices": notices,
            "is_ce": roles.has_role(request.user, roles.CE),
        },
    )


@login_required
def exception_list(request):
    roles.require_role(request.user, roles.CE, roles.SUPPORT, roles.LEADERSHIP)
    leader = roles.has_role(request.user, roles.LEADERSHIP)
    return render(
        request,
        "presales/exceptions.html",
        {
            "open": selectors.open_exceptions() if leader else None,
            # Leadership sees the pending ones in their own table above: each listed once.
            "exceptions": (
                selectors.exceptions_for(request.user).exclude(status=ExceptionStatus.PENDING)
                if leader
                else selectors.exceptions_for(request.user)
            ).order_by("-created_at", "-id")[:200],
            "is_ce": roles.has_role(request.user, roles.CE),
        },
    )


@login_required
def exception_new(request):
    roles.require_role(request.user, roles.CE)
    ticket = None
    ticket_id = request.GET.get("ticket") or request.POST.get("ticket")
    if ticket_id and str(ticket_id).isdigit():
        ticket = get_object_or_404(visible_tickets(request.user), pk=int(ticket_id))
    initial = {"account": ticket.account_id} if ticket else {}
    form = ExceptionRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            e = services.exception_request(by=request.user, ticket=ticket, **form.cleaned_data)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            messages.success(request, "Your exception request went to CS leadership.")
            return redirect(e)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "presales/exception_form.html", {"form": form, "ticket": ticket}, status=status
    )


@login_required
def exception_detail(request, pk: int):
    roles.require_role(request.user, roles.CE, roles.SUPPORT, roles.LEADERSHIP)
    e = get_object_or_404(
        selectors.exceptions_for(request.user).prefetch_related("history__actor"), pk=pk
    )
    form = None
    if roles.has_role(request.user, roles.LEADERSHIP) and e.status == "pending":
        form = ExceptionDecisionForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.exception_decide(
                        exception=e,
                        by=request.user,
                        approve=form.cleaned_data["decision"] == "approve",
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as err:
                    add_service_errors(form, err)
                except Conflict as err:
                    messages.error(request, err.message)
                    return redirect(e)
                else:
                    messages.success(request, "Decision recorded; the CE is emailed.")
                    return redirect(e)
            return render(
                request, "presales/exception_detail.html", {"e": e, "form": form}, status=400
            )
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "presales/exception_detail.html", {"e": e, "form": form})


@login_required
def channel_list(request):
    roles.require_role(request.user, roles.SUPPORT, roles.LEADERSHIP)
    return render(
        request,
        "presales/channels.html",
        {
            "channels": selectors.joined_channels(),
            "to_leave": {e.pk for e in selectors.channels_to_leave(request.user)},
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def channel_join(request, pk: int):
    roles.require_role(request.user, roles.SUPPORT)
    ticket = get_object_or_404(visible_tickets(request.user), pk=pk)
    form = ChannelJoinForm(request.POST)
    if form.is_valid():
        try:
            services.channel_join(ticket=ticket, by=request.user, **form.cleaned_data)
        except ValidationError as err:
            messages.error(request, " ".join(m for ms in err.message_dict.values() for m in ms))
        except Conflict as err:
            messages.error(request, err.message)
        else:
            messages.success(request, f"Recorded: you joined {form.cleaned_data['channel']}.")
    else:
        messages.error(request, "Name the channel you joined (e.g. #trial-acme).")
    return redirect(ticket)


@login_required
@require_POST
def channel_leave(request, pk: int):
    roles.require_role(request.user, roles.SUPPORT)
    engagement = selectors.own_engagement(request.user, pk)
    try:
        services.channel_leave(engagement=engagement, by=request.user)
    except Conflict as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"Recorded: you left {engagement.channel}.")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect(engagement.ticket)
