"""API throttles: DRF's rate throttles, rates from settings, 429 JSON with Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_production_defaults_come_from_the_environment():
    from config.settings import base

    assert base.API_THROTTLE_USER == "2000/min"
    assert base.API_THROTTLE_ANON == "60/min"
    assert base.REST_FRAMEWORK["NUM_PROXIES"] == 0  # X-Forwarded-For is not trusted by default


@time_machine.travel(T0, tick=False)
def test_a_user_over_the_rate_gets_429_json_with_retry_after(settings, as_sam, as_lee):
    settings.API_THROTTLE_USER = "3/min"
    assert [as_sam.get("/api/v1/queue/").status_code for _ in range(3)] == [200] * 3
    answer = as_sam.get("/api/v1/queue/")
    assert answer.status_code == 429
    assert answer["Content-Type"] == "application/json"
    assert "throttled" in answer.json()["detail"].lower()
    assert answer["Retry-After"] == "60"
    assert as_lee.get("/api/v1/queue/").status_code == 200  # another user has their own count
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        assert as_sam.get("/api/v1/queue/")["Retry-After"] == "30"
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        assert as_sam.get("/api/v1/queue/").status_code == 200


def test_anonymous_callers_are_counted_by_address(settings, anon):
    settings.API_THROTTLE_ANON = "2/min"
    assert [anon.get("/api/v1/docs/").status_code for _ in range(2)] == [200, 200]
    assert anon.get("/api/v1/docs/").status_code == 429
    # A made-up X-Forwarded-For does not buy a fresh count.
    assert anon.get("/api/v1/docs/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert anon.get("/api/v1/docs/", REMOTE_ADDR="10.0.0.7").status_code == 200


def test_an_empty_rate_switches_the_throttle_off(settings, as_sam):
    settings.API_THROTTLE_USER = ""
    assert {as_sam.get("/api/v1/queue/next/").status_code for _ in range(20)} == {204}


def test_the_throttle_adds_no_database_query(settings, as_sam):
    as_sam.get("/api/v1/queue/next/")  # warm up: the token, the content types
    settings.API_THROTTLE_USER = ""
    with CaptureQueriesContext(connection) as off:
        assert as_sam.get("/api/v1/queue/next/").status_code == 204
    settings.API_THROTTLE_USER = "2000/min"
    with CaptureQueriesContext(connection) as on:
        assert as_sam.get("/api/v1/queue/next/").status_code == 204
    assert len(on) == len(off)
