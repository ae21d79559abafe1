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


# The ticket page (issue 14): session, the user with their roles, the ticket with its relations
# (and whether it has mail or escalations: triage.hooks.ticket_page_flags), its place with the
# ticket above, who may be assigned (support, on an open ticket), the timeline. Mail on its
# thread adds its read (and one for attachments); escalations add theirs (and one for their
# decisions); a pre-sales ticket adds its panel's read.
TICKET_PAGE_QUERIES = 6


@pytest.mark.parametrize("events", [1, 30])
def test_ticket_page_query_count_is_constant(events, sam_support, django_assert_num_queries):
    from triage import services

    _fill(5, sam_support)
    ticket = TicketFactory(tier="team", severity="p2")
    for i in range(events):
        services.ticket_reply(
            ticket=ticket, by=sam_support, body=f"note {i}", public=False, first_response=False
        )
    client = Client()
    client.force_login(sam_support)
    with django_assert_num_queries(TICKET_PAGE_QUERIES):
        answer = client.get(f"/tickets/{ticket.pk}/")
    assert answer.status_code == 200 and f"note {events - 1}" in answer.content.decode()


def test_the_ticket_page_reads_escalations_only_for_a_ticket_that_has_some(
    sam_support, django_assert_num_queries
):
    from tests.escalations.test_services import escalate, triaged

    plain, escalated = triaged(sam_support), triaged(sam_support)
    escalate(sam_support, escalated)
    client = Client()
    client.force_login(sam_support)
    client.get(plain.get_absolute_url())
    with django_assert_num_queries(TICKET_PAGE_QUERIES):
        html = client.get(plain.get_absolute_url()).content.decode()
    assert "Not escalated to engineering" in html
    with django_assert_num_queries(TICKET_PAGE_QUERIES + 2):  # its escalations, their decisions
        html = client.get(escalated.get_absolute_url()).content.decode()
    assert "Not escalated to engineering" not in html and "Waiting in engineering" in html


def test_only_the_page_that_offers_assignment_reads_the_assignees(
    sam_support, django_assert_num_queries
):
    from tests.factories import UserFactory
    from triage import services

    ticket = TicketFactory(tier="team", severity="p2")
    closed = TicketFactory(tier="team", severity="p2")
    services.ticket_set_status(ticket=closed, by=sam_support, status="resolved", reason="done")
    leader = UserFactory(role="leadership")
    for user, page, queries, offered in (
        (sam_support, ticket, TICKET_PAGE_QUERIES, True),
        (leader, ticket, TICKET_PAGE_QUERIES - 1, False),
        # Closed: no place in the queue either.
        (sam_support, closed, TICKET_PAGE_QUERIES - 2, False),
    ):
        client = Client()
        client.force_login(user)
        with django_assert_num_queries(queries):
            html = client.get(page.get_absolute_url()).content.decode()
        assert ("Assign to" in html) is offered, (user, page)
        assert sam_support.username in html or not offered


def _compiles(client, path: str) -> list[str]:
    """Return the SQL the ORM compiled while serving `path` (a precompiled read compiles none)."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    compiled = []
    as_sql = SQLCompiler.as_sql

    def spy(self, *args, **kwargs):
        sql, params = as_sql(self, *args, **kwargs)
        compiled.append(sql)
        return sql, params

    with mock.patch.object(SQLCompiler, "as_sql", spy):
        assert client.get(path).status_code == 200
    return compiled


def test_queue_and_ticket_pages_compile_no_sql_per_render(sam_support):
    """Issue 14: the pages' reads are compiled once per process (shared.precompiled); building
    them through the ORM on every render cost more than the API's whole answer."""
    _fill(8, sam_support)
    ticket = TicketFactory(tier="presales", severity="p1")
    client = Client()
    client.force_login(sam_support)
    for path in ("/", "/?priority=p1&tier=team", "/?show=mine", f"/tickets/{ticket.pk}/"):
        client.get(path)  # the first render compiles
        assert _compiles(client, path) == [], path
