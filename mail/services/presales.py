"""A CE's mail becomes a pre-sales request (R9, issue 13), complete or flagged incomplete."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from mail import presales_template, threading
from mail.parse import ParsedMail
from presales import requirements
from presales.models import ImpactScope
from presales.services.requests import presales_request_create
from shared.text import scrub_line
from triage.models import Account, Channel, Message, MessageKind, Tier
from triage.services.outbound import thread_send

REQUIRED = ("prospect", *requirements.REQUIRED)
SUBJECT_PREFIXES = ("re:", "fw:", "fwd:", "aw:", "wg:", "tr:")


def _subject_summary(subject: str) -> str:
    text = threading.TAG_RE.sub("", subject or "").strip()
    while text.lower().startswith(SUBJECT_PREFIXES):
        text = text.split(":", 1)[1].strip()
    return scrub_line(text, requirements.SUMMARY_MAX)


def presales_from_mail(*, message: Message, parsed: ParsedMail, ce: User, now: datetime) -> str:
    """File the CE's mail as a pre-sales request; ask once, by mail, for what is missing."""
    values = presales_template.parse_template(parsed.text)
    summary = scrub_line(values.get("summary", ""), requirements.SUMMARY_MAX)
    summary = summary or _subject_summary(parsed.subject) or "(no subject)"
    prospect = scrub_line(values.get("prospect", ""), 200)
    missing = [] if prospect else ["prospect"]
    account = None
    if prospect:
        account = Account.objects.filter(name__iexact=prospect, tier=Tier.PRESALES).first()
    new_name = "" if account else _free_name(prospect or f"Unnamed prospect: {summary}")
    scope = values.get("impact_scope", "").strip().lower()
    request = presales_request_create(
        by=ce,
        account=account,
        new_account_name=new_name,
        summary=summary,
        attempted_and_expected=values.get("attempted_and_expected", ""),
        steps_taken=values.get("steps_taken", ""),
        impact=values.get("impact", ""),
        impact_scope=scope if scope in ImpactScope.values else "",
        design_doc_links=presales_template.links(values.get("design_doc_links", "")),
        sales_context=values.get("sales_context", ""),
        key_dates_text=values.get("key_dates", ""),
        now=now,
        channel=Channel.EMAIL,
        incomplete_ok=True,
    )
    missing = sorted({*missing, *request.missing_fields})
    if missing and (not request.incomplete or missing != request.missing_fields):
        # The prospect is the mail's own requirement: the request's checks don't know it.
        request.incomplete = True
        request.missing_fields = missing
        request.save(update_fields=["incomplete", "missing_fields"])
    message.ticket = request.ticket
    message.kind = MessageKind.OPENED
    message.save(update_fields=["ticket", "kind"])
    if missing:
        _ask_for_missing(request, ce=ce, missing=missing, message=message)
        return f"pre-sales request #{request.pk}, incomplete: {', '.join(missing)}"
    return f"pre-sales request #{request.pk}"


def _free_name(name: str) -> str:
    """Return an account name not taken yet (a customer may share the prospect's name)."""
    base = name[:180]
    candidate, n = base, 1
    while Account.objects.filter(name__iexact=candidate).exists():
        n += 1
        candidate = f"{base} ({n})"
    return candidate


def missing_text(missing: list[str], *, request_id: int, link: str) -> str:
    """Return the one reply a CE gets: which R9 fields are missing, and where to add them."""
    lines = [
        f"Thanks: your pre-sales request is in the queue as #{request_id}.",
        "",
        "It is missing what support needs to start (R9):",
    ]
    for field in sorted(missing, key=list(presales_template.LABELS).index):
        label = presales_template.LABELS[field][0]
        lines.append(f"- {label}: {presales_template.HINTS[field]}")
    lines += [
        "",
        f"Complete the request in the web form: {link}",
        "",
        "This is an automatic reply; you get at most one an hour.",
    ]
    return "\n".join(lines)


def _ask_for_missing(request, *, ce: User, missing: list[str], message: Message) -> None:
    """Send the CE our one automatic reply (RFC 3834: at most one per address an hour)."""
    if not ce.email:
        return
    link = settings.SITE_URL.rstrip("/") + reverse("presales-request-complete", args=[request.pk])
    thread_send(
        ticket=request.ticket,
        kind=MessageKind.AUTO_REPLY,
        to=ce.email,
        subject=f"Re: {message.subject or request.ticket.title}",
        body=missing_text(missing, request_id=request.pk, link=link),
        in_reply_to=message,
    )
