import pytest

from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_created_ticket_is_number_one_and_explained(as_sam):
    ticket = TicketFactory(tier="enterprise", severity="p1")
    answer = as_sam.get("/api/v1/queue/next/")
    assert answer.status_code == 200
    assert answer.json()["id"] == ticket.pk
    assert answer.json()["position"] == 1
    assert "priority p1" in answer.json()["why"]
