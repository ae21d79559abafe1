"""Reads for pre-sales pages and the API; tests pin their query counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from presales import rules
from presales.models import (
    ChannelEngagement,
    ExceptionStatus,
    KeyDate,
    PresalesException,
    PresalesRequest,
)
from shared import roles
from shared.precompiled import Precompiled
from triage.models import Account, EventKind, Source, Ticket, TicketEvent
from triage.priority import PROSPECT
from triage.selectors import positions_of, ticket_visibility


def reminder_hours() -> float:
    """Return how long an engineer may stay in a trial channel before being reminded."""
    return float(settings.PRESALES_CHANNEL_REMINDER_HOURS)


def prospect_accounts() -> QuerySet[Account]:
    """Return the prospects' accounts (R9: pre-sales work is for prospects), by name."""
    return Account.objects.filter(tier=PROSPECT).order_by("name")


def can_see_all_requests(user) -> bool:
    return roles.has_role(user, roles.SUPPORT, roles.LEADERSHIP)


def requests_for(user) -> QuerySet[PresalesRequest]:
    """Return the requests this user may read: those whose ticket the user may read
    (triage.selectors.ticket_visibility): a CE its own, support and leadership all."""
    qs = PresalesRequest.objects.select_related(
        "account", "ticket__account", "ticket__assignee", "ticket__pinned_by", "requested_by"
    ).prefetch_related(
        "key_dates",
        Prefetch(
            "ticket__events",
            queryset=TicketEvent.objects.filter(kind=EventKind.REPLY).select_related("actor"),
            to_attr="replies",
        ),
    )
    if can_see_all_requests(user):
        return qs.order_by("-created_at", "-ticket_id")
    if not roles.has_role(user, roles.CE):
        return qs.none()
    return qs.filter(ticket_visibility(user, prefix="ticket__")).order_by(
        "-created_at", "-ticket_id"
    )


def nearest_key_date(request: PresalesRequest, today: date | None = None) -> KeyDate | None:
    """Return the request's next key date (or its latest past one), from prefetched rows."""
    return rules.nearest_key_date(request.key_dates.all(), today or timezone.localdate())


@cache
def _close_key_dates(n: int) -> Precompiled[KeyDate]:
    """The key dates of n requests between two days, compiled once per n (the queue page asks
    on every render with the pre-sales tickets of its page: shared.precompiled, issue 14)."""
    names = {f"id{i}": int for i in range(n)}
    return Precompiled(
        lambda first, last, **ids: KeyDate.objects.filter(
            request_id__in=list(ids.values()), date__gte=first, date__lte=last
        ).order_by("date", "id"),
        first=date,
        last=date,
        **names,
    )


def key_date_flags(tickets: Iterable[Ticket], today: date | None = None) -> dict[int, KeyDate]:
    """Return, for the open tickets among these, the key date within 2 days; ONE query."""
    today = today or timezone.localdate()
    ids = [t.pk for t in tickets if t.is_open and t.source == "presales"]
    if not ids:
        return {}
    flags: dict[int, KeyDate] = {}
    close = _close_key_dates(len(ids)).rows(
        first=today,
        last=today + timedelta(days=rules.KEY_DATE_FLAG_DAYS),
        **{f"id{i}": pk for i, pk in enumerate(ids)},
    )
    for kd in close:
        flags.setdefault(kd.request_id, kd)
    return flags


def exceptions_for_all() -> QuerySet[PresalesException]:
    """Return every exception with its account, ticket, requester and decider."""
    return PresalesException.objects.select_related(
        "account", "ticket", "requested_by", "decided_by"
    )


def exceptions_for(user) -> QuerySet[PresalesException]:
    """Return the exceptions this user may read: a CE its own, support and leadership all."""
    qs = exceptions_for_all()
    if can_see_all_requests(user):
        return qs
    if roles.has_role(user, roles.CE):
        return qs.filter(requested_by=user)
    return qs.none()


def open_exceptions() -> QuerySet[PresalesException]:
    """Return exception requests waiting for leadership, oldest first."""
    return (
        PresalesException.objects.filter(status=ExceptionStatus.PENDING)
        .select_related("account", "ticket", "requested_by")
        .order_by("created_at", "id")
    )


def joined_channels() -> QuerySet[ChannelEngagement]:
    """Return every trial channel a support engineer is in right now."""
    return (
        ChannelEngagement.objects.filter(left_at__isnull=True)
        .select_related("ticket", "engineer")
        .order_by("joined_at", "id")
    )


# The queue page asks on every render for the engineer's channels: compiled once (issue 14),
# without the tickets' rows (what the rule needs of them is one column).
_JOINED = Precompiled(
    lambda engineer: (
        ChannelEngagement.objects.filter(left_at__isnull=True, engineer_id=engineer)
        .annotate(ticket_open=F("ticket__in_queue"))
        .order_by("joined_at", "id")
    ),
    engineer=int,
)


def channels_to_leave(user, now: datetime | None = None) -> list[ChannelEngagement]:
    """Return the channels this engineer is in and should leave (reminded or due), with their
    tickets: one query when there are none, two when there are."""
    now = now or timezone.now()
    hours = reminder_hours()
    due = [
        e.pk
        for e in _JOINED.rows(engineer=user.pk)
        if e.reminded_at is not None
        or rules.channel_reminder_due(
            joined_at=e.joined_at, ticket_open=e.ticket_open, now=now, hours=hours
        )
    ]
    return list(joined_channels().filter(pk__in=due)) if due else []


def _panel_facts(ticket: int) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(pk=ticket)
        .select_related("presales_request__requested_by", "presales_request__account")
        .annotate(
            has_channels=Exists(ChannelEngagement.objects.filter(ticket_id=OuterRef("pk"))),
            has_exceptions=Exists(PresalesException.objects.filter(ticket_id=OuterRef("pk"))),
        )
    )


# The pre-sales ticket panel's reads, compiled once each (shared.precompiled, issue 14): one
# statement says the request (if any) and whether there are channels and exceptions to read.
_PANEL_FACTS = Precompiled(_panel_facts, ticket=int)
_TICKET_CHANNELS = Precompiled(
    lambda ticket: (
        ChannelEngagement.objects.filter(ticket_id=ticket)
        .select_related("engineer")
        .order_by("-joined_at")
    ),
    ticket=int,
)
_TICKET_EXCEPTIONS = Precompiled(
    lambda ticket: exceptions_for_all().filter(ticket_id=ticket), ticket=int
)


def ticket_panel(ticket: Ticket, user, now: datetime | None = None) -> dict:
    """Return what the pre-sales panel on a ticket page shows (empty for other tickets): one
    query, and one more each for key dates, channels and exceptions when there are some."""
    if ticket.source != "presales":
        return {"presales": False}  # the panel shows nothing: no query (issue 14)
    now = now or timezone.now()
    facts = _PANEL_FACTS.rows(ticket=ticket.pk)
    if not facts:
        return {"presales": False}
    try:
        request = facts[0].presales_request
    except PresalesRequest.DoesNotExist:
        request = None
    if request is not None:
        prefetch_related_objects([request], "key_dates")
    staff = can_see_all_requests(user)
    channels = _TICKET_CHANNELS.rows(ticket=ticket.pk) if staff and facts[0].has_channels else []
    if not facts[0].has_exceptions:
        exceptions = []
    elif staff:
        exceptions = _TICKET_EXCEPTIONS.rows(ticket=ticket.pk)
    else:
        exceptions = list(exceptions_for(user).filter(ticket=ticket))
    if exceptions:
        prefetch_related_objects(exceptions, "history__actor")
    return {
        "request": request,
        "nearest": nearest_key_date(request, timezone.localdate(now)) if request else None,
        "close": bool(
            request
            and ticket.is_open
            and any(
                rules.key_date_is_close(k.date, timezone.localdate(now))
                for k in request.key_dates.all()
            )
        ),
        "channels": channels,
        "exceptions": exceptions,
        "criteria": rules.PRESALES_SEVERITY_CRITERIA,
        "is_support": roles.has_role(user, roles.SUPPORT),
        "is_ce": roles.has_role(user, roles.CE),
        "presales": ticket.source == "presales",
    }


def presales_tickets_for(user) -> QuerySet[Ticket]:
    """Return the pre-sales tickets this user may follow, newest first: a CE every one she
    requested, however it was filed (with its request, when the CE's form or API filed it);
    support and leadership all of them."""
    if not roles.has_role(user, roles.CE, roles.SUPPORT, roles.LEADERSHIP):
        return Ticket.objects.none()
    qs = Ticket.objects.filter(source=Source.PRESALES)
    rule = ticket_visibility(user)
    if rule is not None:
        qs = qs.filter(rule)
    return (
        qs.select_related("account", "assignee", "requester", "presales_request__requested_by")
        .prefetch_related(
            "presales_request__key_dates",
            Prefetch(
                "events",
                queryset=TicketEvent.objects.filter(kind=EventKind.REPLY)
                .select_related("actor")
                .order_by("at", "id"),
                to_attr="replies",
            ),
        )
        .order_by("-created_at", "-id")
    )


def request_of(ticket: Ticket) -> PresalesRequest | None:
    """Return the ticket's pre-sales request, or None when support filed the ticket itself."""
    return getattr(ticket, "presales_request", None)


def my_requests_rows(tickets: list[Ticket], today: date | None = None) -> list[dict]:
    """Pair each pre-sales ticket with its request (if any), queue place, nearest key date and
    latest public reply (one positions query)."""
    today = today or timezone.localdate()
    positions = positions_of(tickets)
    rows = []
    for t in tickets:
        r = request_of(t)
        key_dates = list(r.key_dates.all()) if r else []
        rows.append(
            {
                "request": r,
                "ticket": t,
                "summary": r.summary if r else t.title,
                "ce": t.requester or (r.requested_by if r else None),
                "position": positions.get(t.pk),
                "nearest": rules.nearest_key_date(key_dates, today) if key_dates else None,
                "close": t.is_open
                and any(rules.key_date_is_close(k.date, today) for k in key_dates),
                "replies": t.replies,
                "latest_reply": t.replies[-1] if t.replies else None,
            }
        )
    return rows


def own_engagement(user, pk: int) -> ChannelEngagement:
    """Return the trial-channel engagement `pk` if `user` is the engineer who joined it.

    Leaving is a statement about oneself: another engineer recording it would end someone
    else's reminder (R9) on their behalf. 404 for an unknown id, 403 for someone else's.
    """
    engagement = get_object_or_404(ChannelEngagement.objects.select_related("ticket"), pk=pk)
    if engagement.engineer_id != user.pk:
        raise PermissionDenied("Only the engineer who joined the channel can record leaving it.")
    return engagement
