"""Every API v1 endpoint × every role and anonymous, with the status code each must get."""

import pytest

from tests.conftest import api_client
from tests.factories import AccountFactory, TicketFactory, UserFactory
from triage import services

pytestmark = pytest.mark.django_db

ROLES = ["anon", "support", "ce", "leadership", "engineering"]


def _matrix(anon, support, ce, leadership, engineering):
    return dict(zip(ROLES, [anon, support, ce, leadership, engineering], strict=True))


# name: (method, path template, body, expected by role)
ENDPOINTS = {
    "create account": (
        "post", "/api/v1/accounts/", {"name": "New Co", "tier": "team", "deployment": "cloud"},
        _matrix(401, 201, 403, 201, 403),
    ),
    "list accounts": ("get", "/api/v1/accounts/", None, _matrix(401, 200, 403, 200, 200)),
    "read account": ("get", "/api/v1/accounts/{account}/", None, _matrix(401, 200, 403, 200, 200)),
    "create ticket": (
        "post", "/api/v1/tickets/", {"title": "t", "source": "internal"},
        _matrix(401, 201, 403, 201, 403),
    ),
    "list tickets": ("get", "/api/v1/tickets/", None, _matrix(401, 200, 200, 200, 200)),
    "read ticket": ("get", "/api/v1/tickets/{ticket}/", None, _matrix(401, 200, 404, 200, 200)),
    "read own pre-sales ticket": (
        "get", "/api/v1/tickets/{presales}/", None, _matrix(401, 200, 200, 200, 200),
    ),
    "triage": (
        "post", "/api/v1/tickets/{ticket}/triage/", {"severity": "p1", "priority": "p1"},
        _matrix(401, 200, 403, 403, 403),
    ),
    "patch status": (
        "patch", "/api/v1/tickets/{ticket}/", {"status": "in_progress"},
        _matrix(401, 200, 403, 403, 403),
    ),
    "pin": (
        "post", "/api/v1/tickets/{ticket}/pin/", {"reason": "r"}, _matrix(401, 200, 403, 200, 403),
    ),
    "unpin": (
        "post", "/api/v1/tickets/{pinned}/unpin/", {"reason": "r"},
        _matrix(401, 200, 403, 200, 403),
    ),
    "events": (
        "get", "/api/v1/tickets/{ticket}/events/", None, _matrix(401, 200, 404, 200, 200),
    ),
    "own pre-sales events": (
        "get", "/api/v1/tickets/{presales}/events/", None, _matrix(401, 200, 200, 200, 200),
    ),
    "queue": ("get", "/api/v1/queue/", None, _matrix(401, 200, 403, 200, 200)),
    "queue next": ("get", "/api/v1/queue/next/", None, _matrix(401, 200, 403, 200, 200)),
    "claim": ("post", "/api/v1/queue/claim/", None, _matrix(401, 200, 403, 403, 403)),
    "schema": ("get", "/api/v1/schema/", None, _matrix(200, 200, 200, 200, 200)),
}  # fmt: skip

CASES = [(name, role) for name in ENDPOINTS for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_permission_matrix(name, role):
    method, template, body, expected = ENDPOINTS[name]
    users = {r: UserFactory(username=r, role=r) for r in ROLES if r != "anon"}
    account = AccountFactory(tier="enterprise")
    ticket = TicketFactory(account=account)
    pinned = TicketFactory(tier="team")
    services.ticket_pin(ticket=pinned, by=users["leadership"], reason="first")
    presales = TicketFactory(tier="presales", by=users["ce"])
    path = template.format(
        account=account.pk, ticket=ticket.pk, pinned=pinned.pk, presales=presales.pk
    )
    client = api_client(users.get(role))
    answer = getattr(client, method)(path, body, format="json")
    assert answer.status_code == expected[role], getattr(answer, "data", answer.content)


def test_a_ce_lists_only_their_own_presales_tickets(cara_ce, carl_ce, as_cara):
    mine = TicketFactory(tier="presales", by=cara_ce)
    TicketFactory(tier="presales", by=carl_ce)
    TicketFactory(tier="enterprise")
    ids = [t["id"] for t in as_cara.get("/api/v1/tickets/").json()["results"]]
    assert ids == [mine.pk]


def test_unauthenticated_answer_asks_for_a_token(anon):
    answer = anon.get("/api/v1/queue/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"


def test_session_auth_works_for_the_browser(client, sam_support):
    client.force_login(sam_support)
    TicketFactory()
    assert client.get("/api/v1/queue/next/").status_code == 200


def test_token_auth_reads_roles_in_the_same_query(sam_support, django_assert_num_queries):
    from tests.factories import token_for
    from triage.authentication import TokenWithRolesAuthentication

    key = token_for(sam_support)
    with django_assert_num_queries(1):
        user, _ = TokenWithRolesAuthentication().authenticate_credentials(key)
    from triage.roles import roles_of

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
