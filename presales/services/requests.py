"""Filing a CE's pre-sales request (R9): the request and its ticket, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from presales import requirements
from presales.models import KeyDate, PresalesRequest
from shared.errors import invalid
from shared.text import scrub_line
from shared.validation import LINE_MAX, TEXT_MAX, clean_fields
from triage.models import Account, Channel, EventKind, Source, Tier
from triage.services import account_create, ticket_create, ticket_set_account
from triage.services.intake import ticket_describe
from triage.services.timeline import event_record


def _description(request: PresalesRequest, key_dates: Sequence[tuple[date, str]]) -> str:
    """Return the ticket's description: the request's fields under their R9 headings."""
    return requirements.description(
        attempted_and_expected=request.attempted_and_expected,
        steps_taken=request.steps_taken,
        impact=request.impact,
        impact_scope_label=request.get_impact_scope_display() if request.impact_scope else "",
        sales_context=request.sales_context,
        links=request.design_doc_links,
        key_dates=key_dates,
        key_dates_text=request.key_dates_text,
    )


@transaction.atomic
def presales_request_create(
    *,
    by: User,
    account: Account | None = None,
    new_account_name: str = "",
    new_account_deployment: str = "",
    summary: str,
    attempted_and_expected: str,
    steps_taken: str,
    impact: str,
    impact_scope: str = "",
    design_doc_links: Sequence[str] = (),
    sales_context: str,
    key_dates: Sequence[tuple[date, str]] = (),
    key_dates_text: str = "",
    now: datetime | None = None,
    channel: str = Channel.WEB,
    incomplete_ok: bool = False,
) -> PresalesRequest:
    """File a CE's request: its presales ticket enters the ranked queue in the same transaction.

    `channel`: how it came in (the form: web, the API: api, mail: email).
    `incomplete_ok` (mail): required R9 fields may be missing; the request is flagged incomplete
    with the fields it lacks, and still enters the queue.
    """
    now = now or timezone.now()
    values = {
        "summary": summary,
        "attempted_and_expected": attempted_and_expected,
        "steps_taken": steps_taken,
        "impact": impact,
        "sales_context": sales_context,
    }
    # The text as it will be stored (shared.validation): the summary and a new account's name
    # are one line, the rest keeps its line breaks; R9's checks look at what is kept.
    lines = {"summary": (summary, requirements.SUMMARY_MAX)}
    if account is None:
        lines["new_account_name"] = (new_account_name, LINE_MAX)
    texts = {name: (value, TEXT_MAX) for name, value in values.items() if name != "summary"}
    texts["key_dates_text"] = (key_dates_text, TEXT_MAX)
    cleaned, errors = clean_fields(lines, texts)
    values = {name: cleaned.get(name, value) for name, value in values.items()}
    errors = {**errors, **requirements.request_problems(values, impact_scope=impact_scope)}
    missing_fields = sorted(requirements.missing(values)) if incomplete_ok else []
    errors = {name: text for name, text in errors.items() if name not in missing_fields}
    new_account_name = cleaned.get("new_account_name", "")
    # Labels the API reads out of free text are made one line rather than refused.
    key_dates = [(d, scrub_line(label or "", LINE_MAX) or "key date") for d, label in key_dates]
    if account is None and not new_account_name and "new_account_name" not in errors:
        errors["account"] = "Pick the prospect's account, or name a new one."
    if account is not None and (
        problem := requirements.prospect_problem(account.name, account.tier)
    ):
        errors["account"] = problem
    links, link_problem = requirements.design_doc_links(design_doc_links)
    if link_problem and not errors:
        errors["design_doc_links"] = link_problem
    if errors:
        raise invalid(**errors)
    if account is None:
        account = account_create(
            name=new_account_name,
            tier=Tier.PRESALES,
            deployment=new_account_deployment or "cloud",
        )
    request = PresalesRequest(
        account=account,
        requested_by=by,
        impact_scope=impact_scope,
        design_doc_links=links,
        key_dates_text=cleaned.get("key_dates_text", ""),
        created_at=now,
        incomplete=bool(missing_fields),
        missing_fields=missing_fields,
        **values,
    )
    ticket = ticket_create(
        title=values["summary"],
        description=_description(request, key_dates),
        source=Source.PRESALES,
        account=account,
        by=by,
        now=now,
        channel=channel,
        requester=by,
        requester_email=by.email if channel == Channel.EMAIL else "",
    )
    request.ticket = ticket
    request.save()
    KeyDate.objects.bulk_create(
        [KeyDate(request=request, date=d, label=label) for d, label in key_dates]
    )
    return request


@transaction.atomic
def presales_request_complete(
    *,
    request: PresalesRequest,
    by: User,
    summary: str,
    attempted_and_expected: str,
    steps_taken: str,
    impact: str,
    impact_scope: str = "",
    design_doc_links: Sequence[str] = (),
    sales_context: str,
    prospect: str = "",
    now: datetime | None = None,
) -> PresalesRequest:
    """Complete a request filed with R9 fields missing (a CE's mail): every field is required
    now, the flag is cleared, and the ticket's title and description follow.

    A mail without the prospect filed the request for a placeholder account ("Unnamed
    prospect: …"); `prospect` names it now. A prospect already known takes the ticket (on its
    timeline), else the placeholder is renamed.
    """
    now = now or timezone.now()
    values = {
        "summary": summary,
        "attempted_and_expected": attempted_and_expected,
        "steps_taken": steps_taken,
        "impact": impact,
        "sales_context": sales_context,
    }
    texts = {name: (value, TEXT_MAX) for name, value in values.items() if name != "summary"}
    cleaned, errors = clean_fields({"summary": (summary, requirements.SUMMARY_MAX)}, texts)
    values = {name: cleaned.get(name, value) for name, value in values.items()}
    errors = {**errors, **requirements.request_problems(values, impact_scope=impact_scope)}
    links, link_problem = requirements.design_doc_links(design_doc_links)
    if link_problem:
        errors["design_doc_links"] = link_problem
    named, known, problem = _prospect_named(request, prospect)
    if problem:
        errors["prospect"] = problem
    if errors:
        raise invalid(**errors)
    request = PresalesRequest.objects.select_for_update().get(pk=request.pk)
    was_missing = request.missing_fields
    if named:
        _prospect_set(request, named, known, by=by, now=now)
    for name, value in values.items():
        setattr(request, name, value)
    request.impact_scope, request.design_doc_links = impact_scope, links
    request.incomplete, request.missing_fields = False, []
    request.save()
    ticket_describe(
        ticket=request.ticket,
        by=by,
        title=values["summary"],
        description=_description(request, [(k.date, k.label) for k in request.key_dates.all()]),
        reason="request completed"
        + (f" (was missing: {', '.join(was_missing)})" if was_missing else ""),
        now=now,
    )
    return request


def _prospect_named(request: PresalesRequest, prospect: str) -> tuple[str, Account | None, str]:
    """Return the prospect's name to set ("" when the request has one) and the prospect's
    account already known by that name, or why it can't be."""
    if "prospect" not in request.missing_fields:
        return "", None, ""
    name = scrub_line(prospect, LINE_MAX)
    if not name:
        return "", None, "Name the prospect: the company this request is for."
    taken = Account.objects.filter(name__iexact=name).exclude(pk=request.account_id).first()
    if taken is not None and taken.tier != Tier.PRESALES:
        return "", None, f"“{taken.name}” is a {taken.tier} customer's account, not a prospect's."
    return name, taken, ""


def _prospect_set(
    request: PresalesRequest, name: str, known: Account | None, *, by: User, now: datetime
) -> None:
    """Give the request its named prospect: the known prospect's account, else the
    placeholder account renamed (it was made for this request only)."""
    if known is not None:
        ticket_set_account(
            ticket=request.ticket, by=by, account=known, reason="prospect named by the CE", now=now
        )
        request.account = known
        return
    placeholder = Account.objects.select_for_update().get(pk=request.account_id)
    event_record(
        ticket=request.ticket,
        kind=EventKind.PRESALES,
        by=by,
        now=now,
        from_value=placeholder.name,
        to_value=name,
        reason="prospect named by the CE",
    )
    placeholder.name = name
    placeholder.save(update_fields=["name"])
