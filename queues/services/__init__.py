"""Writes for the queue's work: claims, the rota, load episodes, notices and breach warnings.

The package splits the writes by topic; callers import them from `queues.services`.
"""

from queues.services.claim import CLAIM_ATTEMPTS, queue_claim
from queues.services.load import Evaluation, load_evaluate
from queues.services.notices import (
    MAX_ATTEMPTS,
    NOTICE_BATCH,
    REQUEUE_AFTER,
    STALE_CLAIM,
    Delivery,
    notice_on_ticket_created,
    notice_preview,
    notices_decide,
    notices_deliver,
    notices_enqueue,
    notices_resend,
    notices_set_paused,
    notices_sweep,
)
from queues.services.staffing import absence_add, absence_cancel, staff_update
from queues.services.warnings import sla_clock_warn, sla_warnings_send, warning_recipients

__all__ = [
    "CLAIM_ATTEMPTS",
    "MAX_ATTEMPTS",
    "NOTICE_BATCH",
    "REQUEUE_AFTER",
    "STALE_CLAIM",
    "Delivery",
    "Evaluation",
    "absence_add",
    "absence_cancel",
    "load_evaluate",
    "notice_on_ticket_created",
    "notice_preview",
    "notices_decide",
    "notices_deliver",
    "notices_enqueue",
    "notices_resend",
    "notices_set_paused",
    "notices_sweep",
    "queue_claim",
    "sla_clock_warn",
    "sla_warnings_send",
    "staff_update",
    "warning_recipients",
]
