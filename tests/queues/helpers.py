"""Rota builders for the queues tests: engineers go through the services like real edits."""

from __future__ import annotations

from queues import services
from tests.factories import UserFactory


def engineer(username, zone="UTC", region="emea", start="09:00", end="17:00", days=range(5)):
    user = UserFactory(username=username, role="support", email=f"{username}@example.com")
    services.staff_update(
        user=user,
        by=user,
        timezone_name=zone,
        region=region,
        weekly_hours=[{"day": d, "start": start, "end": end} for d in days],
    )
    return user
