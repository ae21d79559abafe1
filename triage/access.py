"""Sign-in lockout page (django-axes) and API throttles that cost no database query."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

LOCKED_OUT = 429  # Too Many Requests: the same answer the API gives when throttled


def lockout_response(request, original_response=None, credentials=None):
    """Render the lockout page: who is paused, for how long, and who can unlock it."""
    from axes.helpers import get_client_username

    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=LOCKED_OUT)
