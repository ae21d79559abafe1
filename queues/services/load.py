"""The load evaluation (R7): record each change of state or level, decide notices when backed up."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from queues.models import LoadEpisode, LoadEvaluation
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

    The evaluation is stored (`LoadEvaluation`) for the queue page's banner, which shows it
    instead of counting open tickets on every render.

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
    load_store(health)
    created = 0
    if notices_open(episode):
        created = notices_decide(episode=episode, now=now, arrival_at=health.next_arrival_at)
    return Evaluation(episode=episode, health=health, notices_created=created)


def load_store(health: QueueHealth) -> LoadEvaluation:
    """Store this evaluation as the last one (one row), for the queue page's banner."""
    evaluation, _ = LoadEvaluation.objects.update_or_create(
        pk=1,
        defaults={
            "evaluated_at": health.at,
            "state": health.state,
            "level": health.level,
            "rule_name": health.rule.name,
            "contingency": health.rule.contingency,
            "reasons": list(health.result.reasons),
            "open_unanswered": health.open_unanswered,
            "active_cases": health.active_cases,
            "active_per_engineer": health.active_per_engineer,
            "planned": health.planned,
            "on_shift": health.on_shift,
            "oldest_wait_minutes": health.oldest_wait_minutes,
            "next_arrival_at": health.next_arrival_at,
        },
    )
    return evaluation
