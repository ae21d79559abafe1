"""CSRF: every HTML form and every session-authenticated API write needs the token.

Each row of the access table that writes is sent by a persona who may do it, signed in with a
session, through a client that enforces CSRF checks: without the token the answer is 403 and
nothing is saved; with the token the same request goes through (so the 403 was the CSRF check,
not the role). API calls authenticated by a token need no CSRF token: nothing in the browser
sends that header on its own.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests import test_access as access
from tests.conftest import api_client
from tests.test_access import API_ROWS, HTML_ROWS, LOGIN, PERSONA, REFUSED, ROLES, Row, _send

pytestmark = pytest.mark.django_db

world = access.world  # the access table's personas and rows, as a fixture here too

SECRET = "csrfsecretcsrfsecretcsrfsecret12"  # 32 letters and digits, the format Django expects


def _allowed_persona(row: Row) -> str:
    for role in ROLES:
        if role != "anon" and row.expected[role] not in REFUSED | {LOGIN}:
            return PERSONA[role]
    raise AssertionError(f"nobody may {row.method} {row.name}")


# Mail providers post these, not browsers: anymail exempts them from CSRF, and a signature or
# basic auth guards them instead (tests/mail/test_webhooks.py).
POSTED_BY_PROVIDERS = {"mail:mailgun-inbound-mime", "mail:mailgun-inbound", "mail:postmark-inbound"}


def _writes(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.method != "get" and r.writes and r.name not in POSTED_BY_PROVIDERS]


class _SessionClient(Client):
    """A browser: a session cookie, CSRF enforced, and the token sent only when asked."""

    def __init__(self, user, with_token: bool, api: bool):
        super().__init__(enforce_csrf_checks=True)
        self.force_login(user)
        self.with_token, self.api = with_token, api
        if with_token:
            self.cookies["csrftoken"] = SECRET

    def generic(self, method, path, data="", content_type="application/octet-stream", **extra):
        if self.with_token:
            extra["HTTP_X_CSRFTOKEN"] = SECRET
        return super().generic(method, path, data, content_type, **extra)

    def post(self, path, data=None, format=None, **extra):
        if self.api:
            return self.generic("POST", path, _json(data), "application/json", **extra)
        return super().post(path, data, **extra)

    def put(self, path, data=None, format=None, **extra):
        return self.generic("PUT", path, _json(data), "application/json", **extra)

    def patch(self, path, data=None, format=None, **extra):
        return self.generic("PATCH", path, _json(data), "application/json", **extra)


def _json(data) -> str:
    return json.dumps(data if data is not None else {})


def _session_send(row: Row, world, *, with_token: bool):
    user = world.users[_allowed_persona(row)]
    client = _SessionClient(user, with_token, api=row.name.startswith("api-"))
    return _send(row, world, user, client)


@pytest.mark.parametrize(
    "row", _writes(HTML_ROWS + API_ROWS), ids=lambda r: f"{r.method}-{r.name}-{r.note}"
)
def test_a_write_without_the_csrf_token_is_refused_and_saves_nothing(row: Row, world):
    answer, changed = _session_send(row, world, with_token=False)
    assert answer.status_code == 403, answer.content[:300]
    assert b"CSRF" in answer.content
    assert not changed
    answer, changed = _session_send(row, world, with_token=True)
    assert answer.status_code not in REFUSED, answer.content[:300]
    assert changed


def test_the_sign_in_and_sign_out_forms_need_the_token(world):
    sam = world.users["sam"]
    browser = Client(enforce_csrf_checks=True)
    answer = browser.post("/login/", {"username": "sam", "password": "pw-for-tests"})
    assert answer.status_code == 403
    assert "_auth_user_id" not in browser.session
    browser.force_login(sam)
    assert browser.post("/logout/").status_code == 403
    assert browser.session["_auth_user_id"] == str(sam.pk)


def test_token_authenticated_api_calls_need_no_csrf_token(world):
    client = api_client(world.users["sam"])
    client.handler.enforce_csrf_checks = True
    answer = client.post("/api/v1/tickets/", {"title": "t", "source": "internal"}, format="json")
    assert answer.status_code == 201
