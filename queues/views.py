"""HTML pages for R7: the rota (today and the next 7 days) and leadership's notice controls."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from queues import selectors, services
from queues.forms import AbsenceForm, HoursForm, NoticeSwitchForm
from queues.models import Notice, NoticeStatus
from shared import roles


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
