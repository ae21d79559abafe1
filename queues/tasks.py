"""Background work for R6 and R7: breach warnings, the load every minute, the notice outbox.

Tasks are thin: they take ids, call a service, and are idempotent (a second run finds the work
done). `acks_late` (CELERY_TASK_ACKS_LATE) with reject-on-worker-lost means a task whose worker
dies is delivered again; the conditional claim in `notices_deliver` makes that harmless.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from queues import services
from triage.selectors import clocks_to_warn


@shared_task(acks_late=True, ignore_result=True)
def evaluate_load() -> dict:
    """Evaluate the load now; record level changes; decide notices when backed up."""
    result = services.load_evaluate()
    return {
        "episode": result.episode.pk,
        "level": result.health.level,
        "notices_created": result.notices_created,
    }


@shared_task(acks_late=True, ignore_result=True)
def deliver_notices(notice_ids: list[int]) -> dict:
    """Deliver a batch of outbox rows by email."""
    result = services.notices_deliver(ids=notice_ids)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@shared_task(acks_late=True, ignore_result=True)
def sweep_notices() -> int:
    """Enqueue undelivered notices again (broker back, retries due); flag stale claims."""
    return services.notices_sweep()


# R6 breach warnings. The task names say "triage" because they were triage's tasks before the
# warnings moved next to the rota they need; beat schedules and queued messages use the names.


def _instant(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@shared_task(name="triage.sla_warnings_scan", ignore_result=True)
def sla_warnings_scan(now: str | None = None) -> int:
    """Find clocks at 75 % or past due and warn about each one (beat runs this every minute).

    `now` (ISO 8601) is for tests and replays; a second run at the same instant sends nothing.
    """
    at = _instant(now)
    clocks = clocks_to_warn(at or timezone.now())
    for clock_id, level in clocks:
        sla_clock_warn.delay(clock_id, level, now)
    return len(clocks)


@shared_task(name="triage.sla_clock_warn", ignore_result=True)
def sla_clock_warn(clock_id: int, level: str, now: str | None = None) -> bool:
    """Warn about one clock once; a repeated delivery finds the marker set and does nothing."""
    return services.sla_clock_warn(clock_id=clock_id, level=level, now=_instant(now))
