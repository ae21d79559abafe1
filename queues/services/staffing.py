"""Writes to the rota (R7): an engineer's time zone, region and hours, and absences."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from queues.models import Absence, Region, StaffProfile
from shared import roles
from shared.errors import invalid
from shared.hours import parse_spans, spans_to_rows
from shared.validation import clean_fields

logger = logging.getLogger(__name__)


def _profile_for(user: User) -> StaffProfile:
    try:
        return StaffProfile.objects.select_for_update().get(user=user)
    except StaffProfile.DoesNotExist:
        return StaffProfile(user=user)


def _check_support(user: User) -> None:
    if not roles.has_role(user, roles.SUPPORT):
        raise invalid(username=f"{user.username} is not a support engineer.")


@transaction.atomic
def staff_update(
    *,
    user: User,
    by: User,
    timezone_name: str,
    region: str,
    weekly_hours: list[dict],
    duty_hours: list[dict] | None = None,
    now: datetime | None = None,
) -> StaffProfile:
    """Set an engineer's time zone, region and weekly hours (local time; end < start wraps)."""
    _check_support(user)
    errors: dict[str, str] = {}
    try:
        ZoneInfo(timezone_name)
        if timezone_name not in available_timezones():
            raise ZoneInfoNotFoundError(timezone_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        errors["timezone"] = f"“{timezone_name}” is not an IANA time zone name."
    if region not in Region.values:
        errors["region"] = f"“{region}” is not one of: {', '.join(Region.values)}."
    for field, rows in (("weekly_hours", weekly_hours), ("duty_hours", duty_hours or [])):
        try:
            parse_spans(rows)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise invalid(**errors)
    profile = _profile_for(user)
    profile.timezone, profile.region = timezone_name, region
    profile.weekly_hours = [dict(r) for r in spans_to_rows(parse_spans(weekly_hours))]
    if duty_hours is not None:
        profile.duty_hours = [dict(r) for r in spans_to_rows(parse_spans(duty_hours))]
    profile.save()
    logger.info("staff %s updated by %s", user.username, by.username)
    return profile


@transaction.atomic
def absence_add(
    *,
    user: User,
    by: User,
    start: datetime,
    end: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> Absence:
    """Record that an engineer is out of office in [start, end)."""
    _check_support(user)
    cleaned, errors = clean_fields({"reason": (reason, 200)})
    if end <= start:
        errors["end"] = "The absence must end after it starts."
    if errors:
        raise invalid(**errors)
    return Absence.objects.create(
        user=user,
        start=start,
        end=end,
        reason=cleaned["reason"],
        created_by=by,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def absence_cancel(*, absence: Absence, by: User, now: datetime | None = None) -> Absence:
    """Cancel an absence (kept, not deleted)."""
    if absence.cancelled_at is None:
        absence.cancelled_at = now or timezone.now()
        absence.save(update_fields=["cancelled_at"])
    return absence
