"""The queue page's SQL query count does not grow with the queue (STYLE: reads pin their counts)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

# Session, the user with their roles (one query since issue 14: shared.authentication's
# RolesModelBackend), then one query for the page of tickets (with its relations)
# and, when filtered, one for the rows' places in the whole queue. The full page adds one per
# panel (pre-sales key dates; the load banner: the stored evaluation with the notice switch,
# no count of open tickets since issue 14); the htmx refresh re-renders only the rows.
QUEUE_ROWS_QUERIES = 3
PANEL_QUERIES = 1 + 1
QUEUE_PAGE_QUERIES = QUEUE_ROWS_QUERIES + PANEL_QUERIES
FILTERED_QUEUE_PAGE_QUERIES = QUEUE_PAGE_QUERIES + 1


def _fill(n: int, assignee) -> None:
    from queues.services import load_evaluate
    from triage import services

    load_evaluate()  # as Celery beat does every minute: the banner reads the stored evaluation
    for i in range(n):
        ticket = TicketFactory(tier=("enterprise", "team", "free")[i % 3], severity="p1")
        if i % 2:
            services.ticket_assign(ticket=ticket, by=assignee, assignee=assignee)
        if i % 5 == 0:
            services.ticket_pin(ticket=ticket, by=assignee, reason="deviation")


@pytest.mark.parametrize("size", [3, 60])
def test_queue_page_query_count_is_constant(size, sam_support, django_assert_num_queries):
    _fill(size, sam_support)
    client = Client()
    client.force_login(sam_support)
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        answer = client.get("/")
    assert len(answer.context["rows"]) == min(size, 50)


@pytest.mark.parametrize("size", [3, 60])
def test_filtered_queue_page_query_count_is_constant(size, sam_support, django_assert_num_queries):
    _fill(size, sam_support)
    client = Client()
    client.force_login(sam_support)
    with django_assert_num_queries(FILTERED_QUEUE_PAGE_QUERIES):
        answer = client.get("/?show=mine&priority=p1")
    assert answer.context["rows"]


@pytest.mark.parametrize("size", [3, 60])
def test_queue_refresh_query_count_is_constant(size, sam_support, django_assert_num_queries):
    _fill(size, sam_support)
    client = Client()
    client.force_login(sam_support)
    with django_assert_num_queries(QUEUE_ROWS_QUERIES):
        client.get("/?page=2", HTTP_HX_REQUEST="true")
