"""Sign-in lockout (django-axes): repeated failures pause one username from one address."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PASSWORD = "pw-for-tests"  # UserFactory's


def sign_in(username: str, password: str, ip: str = "10.0.0.1"):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post("/login/", {"username": username, "password": password})


def fail(username: str, times: int, ip: str = "10.0.0.1") -> list[int]:
    """Fail to sign in `times` times; return the answers' status codes."""
    return [sign_in(username, "wrong-password", ip)[1].status_code for _ in range(times)]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_is_five_failures_and_the_cool_off_fifteen_minutes_by_default():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@time_machine.travel(T0, tick=False)
def test_five_failures_lock_the_name_even_with_the_right_password(sam_support):
    assert fail("sam", 4) == [200] * 4  # the form again, with its error
    client, answer = sign_in("sam", PASSWORD)
    assert answer.status_code == 302 and signed_in(client)  # four failures: not yet

    assert fail("sam", 5) == [200] * 4 + [429]  # the fifth failure shows the lockout page
    client, answer = sign_in("sam", PASSWORD)
    assert answer.status_code == 429
    assert not signed_in(client)
    page = answer.content.decode()
    assert "Signing in is paused" in page and "<strong>sam</strong>" in page
    assert "15 minutes" in page and "CS leadership" in page


def test_the_lock_lifts_after_the_cool_off(sam_support):
    with time_machine.travel(T0, tick=False):
        fail("sam", 5)
        assert sign_in("sam", PASSWORD)[1].status_code == 429
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        assert sign_in("sam", PASSWORD)[1].status_code == 429
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        client, answer = sign_in("sam", PASSWORD)
        assert answer.status_code == 302 and signed_in(client)


@time_machine.travel(T0, tick=False)
def test_the_lock_is_for_that_name_from_that_address_only(sam_support, sofia_support):
    fail("sam", 5, ip="10.0.0.1")
    assert sign_in("sam", PASSWORD, ip="10.0.0.1")[1].status_code == 429
    client, answer = sign_in("sofia", PASSWORD, ip="10.0.0.1")
    assert answer.status_code == 302 and signed_in(client)  # a colleague in the same office
    client, answer = sign_in("sam", PASSWORD, ip="10.0.0.2")
    assert answer.status_code == 302 and signed_in(client)  # sam from home


@time_machine.travel(T0, tick=False)
def test_axes_reset_username_unlocks_at_once(sam_support):
    fail("sam", 5)
    assert sign_in("sam", PASSWORD)[1].status_code == 429
    call_command("axes_reset_username", "sam", stdout=io.StringIO())
    client, answer = sign_in("sam", PASSWORD)
    assert answer.status_code == 302 and signed_in(client)


@time_machine.travel(T0, tick=False)
def test_leadership_unlocks_in_the_admin(sam_support):
    from axes.models import AccessAttempt

    lee = UserFactory(username="lee", role="leadership", is_staff=True)
    fail("sam", 5)
    attempt = AccessAttempt.objects.get(username="sam")
    admin = Client()
    admin.force_login(lee)
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    url = f"/admin/axes/accessattempt/{attempt.pk}/delete/"
    assert admin.post(url, {"post": "yes"}).status_code == 302
    client, answer = sign_in("sam", PASSWORD)
    assert answer.status_code == 302 and signed_in(client)


@time_machine.travel(T0, tick=False)
def test_the_admin_sign_in_is_locked_too(lee_leadership):
    lee_leadership.is_staff = True
    lee_leadership.save()
    for _ in range(5):
        Client(REMOTE_ADDR="10.0.0.1").post(
            "/admin/login/", {"username": "lee", "password": "wrong"}
        )
    answer = Client(REMOTE_ADDR="10.0.0.1").post(
        "/admin/login/", {"username": "lee", "password": PASSWORD}
    )
    assert answer.status_code == 429
