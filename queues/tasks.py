"""Background work for R7: evaluate the load every minute, deliver and sweep the notice outbox.

Tasks are thin: they take ids, call a service, and are idempotent (a second run finds the work
done). `acks_late` (CELERY_TASK_ACKS_LATE) with reject-on-worker-lost means a task whose worker
dies is delivered again; the conditional claim in `notices_deliver` makes that harmless.
"""

from __future__ import annotations

from celery import shared_task

from queues import services


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
