"""Sign-in lockout page (django-axes) and API throttles that cost no database query."""

from __future__ import annotations

import math
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

LOCKED_OUT = 429  # Too Many Requests: the same answer the API gives when throttled


def lockout_response(request, original_response=None, credentials=None):
    """Render the lockout page: who is paused, for how long, and who can unlock it."""
    # Imported here: axes.helpers needs the app registry, and settings name this module's
    # throttles and lockout page by dotted path before the registry is ready.
    from axes.helpers import get_client_username

    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=LOCKED_OUT)


# --- API throttles ----------------------------------------------------------------------------
# DRF throttles over Django's cache (LocMemCache unless CACHES says otherwise: no query, no
# network), with two changes from DRF's rate throttles, both for GET /api/v1/queue/next/'s
# budget of about 2.5 ms of CPU per request:
# - the rate is read from settings.API_THROTTLE_USER / API_THROTTLE_ANON at call time (DRF
#   reads it once at import), so an empty value switches a throttle off (bench/queue.py) and
#   tests set a tiny rate with override_settings;
# - a fixed-window counter (one cache add or incr of an integer) instead of DRF's sliding
#   window, which keeps and pickles one timestamp per request: 2000/min cost 50-110 µs a call
#   there, a few µs here. A caller may get up to twice the rate across a window boundary.


@lru_cache(maxsize=16)
def _parsed(rate: str) -> tuple[int, int]:
    return SimpleRateThrottle.parse_rate(None, rate)  # "2000/min" -> (2000, 60)


@lru_cache(maxsize=1)
def _cache():
    """Return the default cache backend itself: the `cache` proxy costs a thread-local lookup
    on every use. Backends are thread-safe (LocMemCache locks; Redis pools connections)."""
    return caches["default"]


class _SettingsRateThrottle(SimpleRateThrottle):
    setting = ""
    wait_seconds = 0

    def __init__(self) -> None:
        """Skip DRF's import-time rate lookup: allow_request reads the setting instead."""

    def allow_request(self, request, view) -> bool:
        rate = getattr(settings, self.setting, "")
        if not rate:
            return True
        limit, duration = _parsed(rate)
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // duration)
        self.wait_seconds = math.ceil((window + 1) * duration - now)
        key = f"{key}:{window}"
        cache = _cache()
        if cache.add(key, 1, duration + 1):
            return True
        try:
            return cache.incr(key) <= limit
        except ValueError:  # the window's counter expired between add and incr
            return True

    def wait(self) -> float:
        return self.wait_seconds


class UserThrottle(_SettingsRateThrottle, UserRateThrottle):
    """Requests per signed-in user (per address for anonymous callers)."""

    setting = "API_THROTTLE_USER"


class AnonThrottle(_SettingsRateThrottle, AnonRateThrottle):
    """Requests per address from callers that are not signed in."""

    setting = "API_THROTTLE_ANON"
