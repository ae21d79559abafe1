"""Trial channels (R9): support joins a prospect's channel for a ticket and must leave after."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from presales.models import ChannelEngagement
from presales.selectors import reminder_hours
from shared.errors import Conflict, invalid
from shared.validation import LINE_MAX, clean_fields
from triage.models import EventKind, Source, Ticket
from triage.services import event_record


@transaction.atomic
def channel_join(
    *, ticket: Ticket, by: User, channel: str, now: datetime | None = None
) -> ChannelEngagement:
    """Record that a support engineer joined a prospect's trial channel for this ticket."""
    now = now or timezone.now()
    cleaned, problems = clean_fields({"channel": (channel, LINE_MAX)})
    if problems:
        raise invalid(**problems)
    channel = cleaned["channel"]
    if not channel:
        raise invalid(channel="Name the channel you joined (e.g. #trial-acme).")
    if ticket.source != Source.PRESALES:
        raise invalid(ticket="Trial channels belong to pre-sales tickets.")
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}: no reason to join its channel.")
    if ChannelEngagement.objects.filter(
        ticket=ticket, engineer=by, channel=channel, left_at__isnull=True
    ).exists():
        raise Conflict(f"You are already recorded in {channel} for ticket #{ticket.pk}.")
    engagement = ChannelEngagement.objects.create(
        ticket=ticket, channel=channel, engineer=by, joined_at=now
    )
    event_record(
        ticket=ticket,
        kind=EventKind.CHANNEL,
        by=by,
        now=now,
        to_value=f"joined {channel}",
        reason=f"reminder to leave after {reminder_hours():g} h or when resolved",
    )
    return engagement


@transaction.atomic
def channel_leave(
    *, engagement: ChannelEngagement, by: User, now: datetime | None = None
) -> ChannelEngagement:
    """Record that the engineer left the trial channel."""
    now = now or timezone.now()
    engagement = ChannelEngagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.left_at is not None:
        raise Conflict(f"{engagement.channel} was already left at {engagement.left_at:%H:%M}.")
    engagement.left_at = max(now, engagement.joined_at)
    engagement.save(update_fields=["left_at"])
    event_record(
        ticket=engagement.ticket,
        kind=EventKind.CHANNEL,
        by=by,
        now=now,
        from_value=f"joined {engagement.channel}",
        to_value=f"left {engagement.channel}",
    )
    return engagement
