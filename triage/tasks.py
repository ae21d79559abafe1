"""Background work for SLA clocks (R6): the periodic breach-warning scan."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from triage import sla_services


def _instant(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@shared_task(name="triage.sla_warnings_scan", ignore_result=True)
def sla_warnings_scan(now: str | None = None) -> int:
    """Find clocks at 75 % or past due and warn about each one (beat runs this every minute).

    `now` (ISO 8601) is for tests and replays; a second run at the same instant sends nothing.
    """
    at = _instant(now)
    clocks = sla_services.clocks_to_warn(at or timezone.now())
    for clock_id, level in clocks:
        sla_clock_warn.delay(clock_id, level, now)
    return len(clocks)


@shared_task(name="triage.sla_clock_warn", ignore_result=True)
def sla_clock_warn(clock_id: int, level: str, now: str | None = None) -> bool:
    """Warn about one clock once; a repeated delivery finds the marker set and does nothing."""
    return sla_services.sla_clock_warn(clock_id=clock_id, level=level, now=_instant(now))
