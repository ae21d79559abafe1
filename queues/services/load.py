"""The load evaluation (R7): record each change of state or level, decide notices when backed up."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from queues.models import LoadEpisode
from queues.selectors import QueueHealth, notices_open, queue_health
from queues.services.notices import notices_decide

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Evaluation:
    episode: LoadEpisode
    health: QueueHealth
    notices_created: int


@transaction.atomic
def load_evaluate(*, now: datetime | None = None) -> Evaluation:
    """Evaluate the load, record a change of state or level, and decide notices when backed up.

    An episode is a stretch in one state; level changes inside it are appended to `levels`
    and raise `peak_level`. Running it twice at the same load changes nothing and sends
    nothing new: the outbox has one row per (ticket, episode).
    """
    now = now or timezone.now()
    health = queue_health(at=now)
    episode = LoadEpisode.objects.select_for_update().filter(is_open=True).first()
    reasons = list(health.result.reasons)
    if episode is None or episode.state != health.state:
        if episode is not None:
            episode.ended_at, episode.is_open = now, False
            episode.save(update_fields=["ended_at", "is_open"])
        episode = LoadEpisode.objects.create(
            started_at=now,
            level=health.level,
            state=health.state,
            peak_level=health.level,
            levels=[{"at": now.isoformat(), "level": health.level}],
            reasons=reasons,
        )
        logger.info("load: %s at level %s (%s)", health.state, health.level, "; ".join(reasons))
    elif episode.level != health.level or episode.reasons != reasons:
        if episode.level != health.level:
            episode.levels = [*episode.levels, {"at": now.isoformat(), "level": health.level}]
        episode.level = health.level
        episode.peak_level = max(episode.peak_level, health.level)
        episode.reasons = reasons
        episode.save(update_fields=["level", "peak_level", "levels", "reasons"])
    created = 0
    if notices_open(episode):
        created = notices_decide(episode=episode, now=now, arrival_at=health.next_arrival_at)
    return Evaluation(episode=episode, health=health, notices_created=created)
