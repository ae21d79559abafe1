"""API tokens can be revoked: by their owner, by leadership, by an operator; each is logged."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.conftest import api_client
from tests.factories import token_for

pytestmark = pytest.mark.django_db

REVOKE = "/api/v1/auth/token/revoke/"


def with_key(key: str):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_user_revokes_their_own_token_which_then_gets_401(sam_support, sofia_support, caplog):
    sam, sofia = with_key(token_for(sam_support)), with_key(token_for(sofia_support))
    assert sam.get("/api/v1/queue/").status_code == 200
    with caplog.at_level(logging.INFO, logger="shared.tokens"):
        assert sam.post(REVOKE).status_code == 204
    assert sam.get("/api/v1/queue/").status_code == 401
    assert sam.post(REVOKE).status_code == 401
    assert sofia.get("/api/v1/queue/").status_code == 200  # other users' tokens still work
    assert "api token of sam revoked by sam" in caplog.text


def test_a_ce_may_revoke_their_own_token_too(cara_ce):
    cara = with_key(token_for(cara_ce))
    assert cara.post(REVOKE).status_code == 204
    assert cara.get("/api/v1/presales/requests/").status_code == 401


def test_leadership_revokes_anyones_token(sam_support, lee_leadership, caplog):
    sam = with_key(token_for(sam_support))
    lee = with_key(token_for(lee_leadership))
    with caplog.at_level(logging.INFO, logger="shared.tokens"):
        assert lee.post("/api/v1/auth/tokens/sam/revoke/").status_code == 204
    assert sam.get("/api/v1/queue/").status_code == 401
    assert lee.get("/api/v1/queue/").status_code == 200
    assert "api token of sam revoked by lee" in caplog.text
    assert lee.post("/api/v1/auth/tokens/nobody/revoke/").status_code == 404


def test_support_cannot_revoke_someone_elses_token(sam_support, sofia_support):
    sofia_key = token_for(sofia_support)
    sam = with_key(token_for(sam_support))
    assert sam.post("/api/v1/auth/tokens/sofia/revoke/").status_code == 403
    assert Token.objects.filter(key=sofia_key).exists()
    assert with_key(sofia_key).get("/api/v1/queue/").status_code == 200


def test_revoke_token_command(sam_support, caplog):
    key = token_for(sam_support)
    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="shared.tokens"):
        call_command("revoke_token", "sam", stdout=out)
    assert "Revoked the API token of sam." in out.getvalue()
    assert with_key(key).get("/api/v1/queue/").status_code == 401
    assert "api token of sam revoked by an operator" in caplog.text
    out = io.StringIO()
    call_command("revoke_token", "sam", stdout=out)
    assert "sam had no API token." in out.getvalue()


def test_the_schema_documents_the_revoke_endpoints():
    paths = Client().get("/api/v1/schema/?format=json").json()["paths"]
    assert "204" in paths["/api/v1/auth/token/revoke/"]["post"]["responses"]
    assert "204" in paths["/api/v1/auth/tokens/{username}/revoke/"]["post"]["responses"]


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_token_page_creates_rotates_and_revokes(cara_ce):
    page = browser(cara_ce)
    assert "You have no API token." in page.get("/me/token/").content.decode()

    created = page.post("/me/token/", {"action": "rotate", "confirm": "on"})
    assert created.status_code == 200
    first = Token.objects.get(user=cara_ce).key
    assert first in created.content.decode()  # shown once, in this answer
    assert first not in page.get("/me/token/").content.decode()

    rotated = page.post("/me/token/", {"action": "rotate", "confirm": "on"})
    second = Token.objects.get(user=cara_ce).key
    assert second != first and second in rotated.content.decode()
    assert with_key(first).get("/api/v1/presales/requests/").status_code == 401
    assert with_key(second).get("/api/v1/presales/requests/").status_code == 200

    revoked = page.post("/me/token/", {"action": "revoke", "confirm": "on"}, follow=True)
    assert "Your API token is revoked" in revoked.content.decode()
    assert not Token.objects.filter(user=cara_ce).exists()


def test_the_token_page_needs_confirmation(sam_support):
    key = token_for(sam_support)
    answer = browser(sam_support).post("/me/token/", {"action": "revoke"})
    assert answer.status_code == 400
    assert "Tick the box to confirm" in answer.content.decode()
    assert Token.objects.filter(key=key).exists()


def test_a_first_token_needs_no_confirmation(sam_support):
    page = browser(sam_support)
    assert 'name="confirm"' not in page.get("/me/token/").content.decode()
    created = page.post("/me/token/", {"action": "rotate"})
    assert created.status_code == 200
    assert Token.objects.get(user=sam_support).key in created.content.decode()
    assert 'name="confirm"' in created.content.decode()  # replacing it now breaks tools


def test_the_page_is_linked_from_every_page(sam_support):
    assert 'href="/me/token/"' in browser(sam_support).get("/rota/").content.decode()
