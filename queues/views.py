"""HTML pages for the queue's work: the ranked queue and claim next (R4), the rota (today and
the next 7 days) and leadership's notice controls (R7)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from queues import selectors, services
from queues.forms import AbsenceForm, HoursForm, NoticeSwitchForm, QueueFilterForm
from queues.models import Notice, NoticeStatus
from shared import roles
from shared.web import signed_in, staff_required
from triage.selectors import queue_page

PAGE_SIZE = 50


# --- The queue -------------------------------------------------------------------------------


def _queue_context(request) -> dict:
    """Build the ranked page: filters from the URL, one row past the page instead of a COUNT."""
    form = QueueFilterForm(request.GET)
    form.is_valid()  # invalid values are dropped, valid ones still filter
    f = form.cleaned_data
    page_number = f.get("page") or 1
    show = f.get("show")
    page = queue_page(
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
        priority=f.get("priority") or "",
        tier=f.get("tier") or "",
        assigned=False if show == "unassigned" else None,
        assignee=request.user if show == "mine" else None,
        sla_clock=True,  # near-breach styling from the SLA clocks
    )

    def page_url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"{reverse('home')}?{query.urlencode()}"

    return {
        "form": form,
        "rows": page.rows,
        "tickets": page.tickets,
        "filtered": any(f.get(k) for k in ("priority", "tier", "show")),
        "page_number": page_number,
        "next_url": page_url(page_number + 1) if page.has_next else None,
        "previous_url": page_url(page_number - 1) if page_number > 1 else None,
        "refresh_seconds": settings.QUEUE_REFRESH_SECONDS,
        "now": timezone.now(),
        "can_claim": roles.has_role(request.user, roles.SUPPORT),
    }


@signed_in
def home(request):
    """The support team's home: the ranked open queue. A CE sees their own requests instead."""
    if roles.has_role(request.user, roles.CE) and not roles.is_staff_role(request.user):
        return redirect("presales-my-requests")
    return queue(request)


@staff_required
def queue(request):
    if request.htmx and request.GET.get("part") == "load":
        # The load banner polls on its own, slower: the level is evaluated once a minute.
        response = render(request, "queues/_load_banner.html")
        patch_vary_headers(response, ["HX-Request"])
        return response
    context = _queue_context(request)
    if request.htmx:
        response = render(request, "partials/queue_rows.html", context)
    else:
        response = render(request, "queue.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@staff_required
def claim_next(request):
    """Claim the number one unclaimed ticket atomically and open it."""
    roles.require_role(request.user, roles.SUPPORT, action="claim tickets")
    ticket = services.queue_claim(by=request.user)
    if ticket is None:
        messages.info(
            request,
            "Nothing to claim: every open ticket has an owner or waits on the customer.",
        )
        return redirect("home")
    messages.success(request, f"You claimed #{ticket.pk}, the number one unclaimed ticket.")
    return redirect(ticket)


# --- The rota and notices ---------------------------------------------------------------


def _editable_row(request, username: str) -> selectors.StaffRow:
    row = selectors.staff_member(username)
    if row is None:
        raise Http404("No such support engineer.")
    own = roles.has_role(request.user, roles.SUPPORT) and request.user.pk == row.user.pk
    if not (own or roles.has_role(request.user, roles.LEADERSHIP)):
        raise PermissionDenied
    return row


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


@login_required
def rota(request, hours_form=None, absence_form=None, editing=None):
    if not roles.is_staff_role(request.user):
        raise PermissionDenied
    now = timezone.now()
    staff = selectors.support_staff(absences_after=now - timedelta(days=1))
    table = selectors.rota_days(staff, today=now.date(), days=8)
    if editing is None:
        wanted = request.GET.get("engineer") or request.user.username
        editing = next((r for r in staff if r.user.username == wanted), None)
        own = editing is not None and editing.user.pk == request.user.pk
        if editing and not (own or roles.has_role(request.user, roles.LEADERSHIP)):
            editing = None
    if editing is not None:
        hours_form = hours_form or HoursForm(initial=HoursForm.initial_for(editing.profile))
        absence_form = absence_form or AbsenceForm()
    context = {
        "table": table,
        "days": [cell["day"] for cell in table[0][1]] if table else [],
        "now": now,
        "editing": editing,
        "hours_form": hours_form,
        "absence_form": absence_form,
        "is_leadership": roles.has_role(request.user, roles.LEADERSHIP),
        "staff": staff,
    }
    return render(request, "queues/rota.html", context, status=400 if request.POST else 200)


@login_required
def rota_hours(request, username: str):
    row = _editable_row(request, username)
    if request.method != "POST":
        return redirect(f"/rota/?engineer={username}")
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            services.staff_update(
                user=row.user,
                by=request.user,
                timezone_name=form.cleaned_data["timezone"].strip(),
                region=form.cleaned_data["region"],
                weekly_hours=form.cleaned_data["weekly_hours"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Hours saved for {username}.")
            return redirect(f"/rota/?engineer={username}")
    return rota(request, hours_form=form, editing=row)


@login_required
def rota_absence(request, username: str):
    row = _editable_row(request, username)
    if request.method != "POST":
        return redirect(f"/rota/?engineer={username}")
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.absence_add(
                user=row.user,
                by=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Absence recorded for {username}.")
            return redirect(f"/rota/?engineer={username}")
    return rota(request, absence_form=form, editing=row)


@login_required
def notices(request):
    """Leadership previews the notice text and pauses or resumes notices (audited)."""
    if not roles.has_role(request.user, roles.LEADERSHIP):
        raise PermissionDenied
    form = NoticeSwitchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notices_set_paused(
                paused=form.cleaned_data["paused"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            done = "paused" if form.cleaned_data["paused"] else "resumed"
            messages.success(request, f"Notices {done}.")
            return redirect("notices")
    subject, body = services.notice_preview(zone_name=request.GET.get("tz", ""))
    counts = {s: 0 for s in NoticeStatus.values}
    for row in Notice.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    # The page says each status by its label ("Gave up after retries", not gave_up).
    counts = {NoticeStatus(s).label: n for s, n in counts.items()}
    context = {
        "form": form,
        "subject": subject,
        "body": body,
        "paused": selectors.notices_paused(),
        "history": selectors.notice_switch_history(),
        "episode": selectors.current_episode(),
        "counts": counts,
    }
    return render(request, "queues/notices.html", context, status=400 if form.errors else 200)
