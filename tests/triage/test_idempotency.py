"""A retried POST /tickets/ with the same Idempotency-Key files one ticket, not two."""

import threading

import pytest
from django.db import connection

from tests.conftest import api_client
from tests.factories import AccountFactory, UserFactory
from triage.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _body(account, title="Exports fail for big projects"):
    return {"title": title, "description": "CSV export 504s", "source": "customer",
            "account": account.pk, "severity": "p2"}  # fmt: skip


def test_a_retry_with_the_same_key_returns_the_ticket_it_filed(as_sam):
    account = AccountFactory(tier="enterprise")
    first = as_sam.post(
        "/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    retry = as_sam.post(
        "/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == 1


def test_without_a_key_or_with_a_new_key_each_post_files_a_ticket(as_sam):
    account = AccountFactory(tier="enterprise")
    as_sam.post("/api/v1/tickets/", _body(account), format="json")
    as_sam.post("/api/v1/tickets/", _body(account), format="json")
    as_sam.post("/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY="a")
    as_sam.post("/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert Ticket.objects.count() == 4


def test_keys_belong_to_their_caller(as_sam, sofia_support):
    account = AccountFactory(tier="enterprise")
    as_sofia = api_client(sofia_support)
    mine = as_sam.post(
        "/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    hers = as_sofia.post(
        "/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert mine.json()["id"] != hers.json()["id"] and Ticket.objects.count() == 2


def test_the_same_key_with_other_content_is_a_conflict_and_files_nothing(as_sam):
    account = AccountFactory(tier="enterprise")
    as_sam.post("/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY="k")
    other = as_sam.post(
        "/api/v1/tickets/", _body(account, title="Another problem"), format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )  # fmt: skip
    assert other.status_code == 409
    assert "already filed ticket" in other.json()["detail"]
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("key", ["has space", "x" * 101, "é"])
def test_a_malformed_key_is_a_400_naming_the_header(as_sam, key):
    account = AccountFactory(tier="enterprise")
    answer = as_sam.post(
        "/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.json()
    assert Ticket.objects.count() == 0


def test_concurrent_retries_file_one_ticket(postgres, transactional_db):
    """Two connections race with the same key: the unique constraint lets one file it."""
    account = AccountFactory(tier="enterprise")
    sam = UserFactory(username="racer", role="support")
    start = threading.Barrier(4)
    answers = []

    def post():
        client = api_client(sam)
        start.wait()
        try:
            answers.append(
                client.post(
                    "/api/v1/tickets/", _body(account), format="json", HTTP_IDEMPOTENCY_KEY="race"
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    assert Ticket.objects.filter(request_key="race").count() == 1
