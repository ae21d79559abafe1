"""Token and session authentication, and what a CE reads on its request.

The role × URL table is tests/test_access.py."""

import pytest

from tests.conftest import api_client
from tests.factories import TicketFactory
from triage import services

pytestmark = pytest.mark.django_db


def test_unauthenticated_answer_asks_for_a_token(anon):
    answer = anon.get("/api/v1/queue/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"


def test_session_auth_works_for_the_browser(client, sam_support):
    client.force_login(sam_support)
    TicketFactory()
    assert client.get("/api/v1/queue/next/").status_code == 200


def test_token_auth_reads_roles_in_the_same_query(sam_support, django_assert_num_queries):
    from shared.authentication import TokenWithRolesAuthentication
    from tests.factories import token_for

    key = token_for(sam_support)
    with django_assert_num_queries(1):
        user, _ = TokenWithRolesAuthentication().authenticate_credentials(key)
    from shared.roles import roles_of

    assert roles_of(user) == {"support"}


def test_unknown_or_inactive_token_is_401(sam_support):
    from tests.factories import token_for

    client = api_client()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get("/api/v1/queue/").status_code == 401
    key = token_for(sam_support)
    sam_support.is_active = False
    sam_support.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/queue/").status_code == 401


def test_a_ce_never_sees_internal_notes_on_their_request(cara_ce, sam_support, as_cara, client):
    ticket = TicketFactory(tier="presales", by=cara_ce)
    services.ticket_reply(
        ticket=ticket, by=sam_support, body="Customer seems confused", public=False,
        first_response=False,
    )  # fmt: skip
    services.ticket_reply(
        ticket=ticket, by=sam_support, body="Checked logs; next: upgrade to 5.2", public=True,
        first_response=True,
    )  # fmt: skip
    bodies = [e["body"] for e in as_cara.get(f"/api/v1/tickets/{ticket.pk}/events/").json()]
    assert "Checked logs; next: upgrade to 5.2" in bodies
    assert "Customer seems confused" not in bodies
    client.force_login(cara_ce)
    page = client.get(f"/tickets/{ticket.pk}/", follow=True)
    assert b"Checked logs; next: upgrade to 5.2" in page.content
    assert b"Customer seems confused" not in page.content
