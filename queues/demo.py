"""The demo rota (PRODUCT.md "Capacity levels"): ten engineers on weekday hours spread over UTC.

Hours are stored in each engineer's local time, so they follow daylight saving as people do.
In northern winter they cover UTC 00:00–08:30, 07:00–15:00, 09:00–17:00, 10:00–19:00,
14:00–22:00 ×2, 15:00–23:00, 17:00–01:00 and 18:00–02:00 ×2; three engineers are in EMEA.
On-duty shifts are three to four hours, two people at a time in the busy hours.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from queues.models import StaffProfile
from shared.roles import SUPPORT, ensure_groups

WEEKDAYS = range(5)
DEMO_PASSWORD = "triage-demo"  # noqa: S105 - a laptop demo, as seed_demo

# username, time zone, region, local start, local end, duty start, duty end (local)
ROTA = [
    ("aiko", "Asia/Singapore", "other", "08:00", "16:30", "08:00", "12:00"),
    ("sam", "Europe/London", "emea", "07:00", "15:00", "07:00", "11:00"),
    ("sofia", "Europe/Berlin", "emea", "10:00", "18:00", "11:00", "14:00"),
    ("lars", "Europe/Amsterdam", "emea", "11:00", "20:00", "14:00", "17:00"),
    ("maya", "America/New_York", "americas", "09:00", "17:00", "09:00", "12:00"),
    ("noah", "America/New_York", "americas", "09:00", "17:00", "12:00", "15:00"),
    ("olivia", "America/Chicago", "americas", "09:00", "17:00", "13:00", "16:00"),
    ("pablo", "America/Los_Angeles", "americas", "09:00", "17:00", "12:00", "15:00"),
    ("quinn", "America/Los_Angeles", "americas", "10:00", "18:00", "14:00", "18:00"),
    ("rosa", "America/Los_Angeles", "americas", "10:00", "18:00", "14:00", "18:00"),
]


def _rows(start: str, end: str) -> list[dict]:
    return [{"day": d, "start": start, "end": end} for d in WEEKDAYS]


@transaction.atomic
def seed_rota() -> list[User]:
    """Create (or update) the ten demo support engineers and their rota; return them."""
    ensure_groups()
    support = Group.objects.get(name=SUPPORT)
    users = []
    for username, zone, region, start, end, duty_start, duty_end in ROTA:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.email = f"{username}@example.com"
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(support)
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "timezone": zone,
                "region": region,
                "weekly_hours": _rows(start, end),
                "duty_hours": _rows(duty_start, duty_end),
            },
        )
        users.append(user)
    return users
