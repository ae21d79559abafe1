"""Precompiled hot reads answer exactly what the ORM answers, on SQLite and PostgreSQL."""

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from queues.services import queue_claim
from shared.authentication import _USER_AND_ROLES
from shared.precompiled import Precompiled
from tests.factories import TicketFactory, UserFactory, token_for
from triage.models import Ticket
from triage.selectors import number_one_candidates, position_of, queue_number_one

pytestmark = pytest.mark.django_db

CONCRETE = [f.attname for f in Ticket._meta.concrete_fields]


def test_tickets_come_back_as_the_orm_builds_them_dates_and_flags_included():
    TicketFactory(tier="team", severity="p2")
    TicketFactory(tier="enterprise", severity="p1")
    read = Precompiled(lambda: Ticket.objects.order_by("id"))

    fast, orm = read.rows(), list(Ticket.objects.order_by("id"))

    assert [[getattr(t, a) for a in CONCRETE] for t in fast] == [
        [getattr(t, a) for a in CONCRETE] for t in orm
    ]
    assert fast[0].created_at.tzinfo is not None  # SQLite's text dates are converted
    assert fast[0].in_queue is True  # and its 0/1 booleans
    assert fast[0]._state.adding is False and fast[0]._state.db == "default"


def test_a_named_parameter_is_sent_per_call_and_the_sql_compiled_once(django_assert_num_queries):
    UserFactory(username="ann", role="support")
    UserFactory(username="bob")
    read = Precompiled(lambda name: User.objects.filter(username=name), name=str)

    assert [u.username for u in read.rows(name="ann")] == ["ann"]
    assert [u.username for u in read.rows(name="bob")] == ["bob"]
    assert read.rows(name="nobody") == []
    assert read.sql(name="ann") == (read.sql(name="x")[0], ["ann"])
    with django_assert_num_queries(1):
        read.rows(name="ann")


def test_a_parameter_the_orm_would_transform_is_refused_at_compile_time():
    read = Precompiled(lambda name: User.objects.filter(username__icontains=name), name=str)
    with pytest.raises(ValueError, match="must reach the SQL unchanged"):
        read.rows(name="ann")


def test_token_rows_carry_every_role_and_a_user_without_roles_has_one_row():
    lee = UserFactory(username="lee2", role="leadership")
    lee.groups.add(*UserFactory(username="x", role="support").groups.all())
    loner = UserFactory(username="loner")

    rows = _USER_AND_ROLES.rows(key=token_for(lee))
    assert {r.username for r in rows} == {"lee2"}
    assert sorted(r.role_name for r in rows) == ["leadership", "support"]
    assert [(r.username, r.role_name) for r in _USER_AND_ROLES.rows(key=token_for(loner))] == [
        ("loner", None)
    ]
    assert _USER_AND_ROLES.rows(key="not-a-token") == []
    orm = User.objects.filter(auth_token__key=token_for(lee)).annotate(role=F("groups__name"))
    assert sorted(u.role for u in orm) == sorted(r.role_name for r in rows)


def test_the_number_one_counts_claimed_work_ranked_above_it():
    sam = UserFactory(username="sam2", role="support")
    tickets = [TicketFactory(tier="enterprise", severity="p1") for _ in range(3)]
    TicketFactory(tier="free", severity="p3")
    assert queue_number_one().position == 1

    queue_claim(by=sam)
    queue_claim(by=sam)
    top = queue_number_one()

    assert top.pk == number_one_candidates().first().pk == tickets[2].pk
    assert top.position == position_of(top) == 3


@pytest.mark.parametrize("backlog", [3, 30])
def test_queue_next_is_two_statements_whatever_the_queue(
    backlog, as_sam, sam_support, django_assert_num_queries
):
    for i in range(backlog):
        TicketFactory(tier=("enterprise", "team", "free")[i % 3], severity="p2")
    queue_claim(by=sam_support)
    with django_assert_num_queries(2):  # the token with its roles; the number one with its place
        answer = as_sam.get("/api/v1/queue/next/")
    assert answer.status_code == 200 and answer.json()["position"] == 2


def test_select_related_rows_come_back_built_with_no_query_on_access(django_assert_num_queries):
    """Issue 14: the ticket page's reads keep their related rows (account, assignee, pin)."""
    sam = UserFactory(username="sam3", role="support")
    ticket = TicketFactory(tier="enterprise", severity="p1")
    TicketFactory(tier="internal")  # no account: the relation is None
    queue_claim(by=sam)
    read = Precompiled(
        lambda pk: (
            Ticket.objects.filter(pk__gte=pk).select_related("account", "assignee").order_by("id")
        ),
        pk=int,
    )
    with django_assert_num_queries(1):
        rows = read.rows(pk=ticket.pk)
        first, second = rows
        assert (first.account.name, first.assignee.username) == (ticket.account.name, "sam3")
        assert second.account is None and second.assignee is None


def test_dates_and_instants_are_parameters_adapted_as_the_backend_adapts_them():
    """Issue 14: the pre-sales key dates and the session are precompiled reads by a day and an
    instant (SQLite sends both as text, PostgreSQL as they are)."""
    from datetime import date, datetime, timedelta

    from django.utils import timezone

    ticket = TicketFactory(tier="team", severity="p2")
    read = Precompiled(
        lambda since, day: Ticket.objects.filter(created_at__gte=since, created_at__date__lte=day),
        since=datetime,
        day=date,
    )
    now = timezone.now()
    assert [t.pk for t in read.rows(since=now - timedelta(hours=1), day=now.date())] == [ticket.pk]
    assert read.rows(since=now + timedelta(hours=1), day=now.date()) == []


def test_the_session_read_is_precompiled_and_honours_expiry(client, sam_support):
    from django.contrib.sessions.models import Session

    from shared.sessions import _SESSION, SessionStore

    client.force_login(sam_support)
    key = client.cookies["sessionid"].value
    assert SessionStore(key).load()  # the signed-in session's data
    assert key in _SESSION.sql(key=key, now=timezone.now())[1]
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None
