"""Proactive notices through the real parts: a Celery worker, Redis and PostgreSQL (R7).

The worker runs in its own process with the locmem mail backend, so these tests read the
outbox rows and the timeline it writes, not its mailbox.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from queues import services
from queues.models import Notice, NoticeStatus
from queues.notices import local_time
from tests.conftest import api_client, wait_for
from tests.factories import AccountFactory, TicketFactory
from tests.queues.helpers import engineer
from triage.models import EventKind, TicketEvent

pytestmark = [pytest.mark.celery_worker, pytest.mark.redis, pytest.mark.postgres]

CLOSED_PORT = "redis://127.0.0.1:6390/0"  # nothing listens here: the broker is "down"


@pytest.fixture
def now():
    """The worker words notices with its own clock, so these tests run at the real time."""
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def arrival(now):
    """The next arrival: the top of the hour about four hours from now."""
    return (now + timedelta(hours=4)).replace(minute=0, second=0)


@pytest.fixture
def rota(celery_worker, postgres, arrival):
    """Two EMEA engineers working around the clock; a third arrives at `arrival` each week."""
    start, end = arrival.strftime("%H:%M"), (arrival + timedelta(hours=1)).strftime("%H:%M")
    return [
        engineer("ada", start="00:00", end="00:00", days=range(7)),
        engineer("ben", start="00:00", end="00:00", days=range(7)),
        engineer("cy", region="americas", start=start, end=end, days=[arrival.weekday()]),
    ]


@pytest.fixture
def broker(celery_worker):
    """Point the app's producer at another broker URL for a while; restore it afterwards."""
    app = celery_worker
    good = app.conf.broker_url

    def point_at(url):
        app.conf.broker_url = url
        app._pool = None  # the pools are cached per URL: drop ours so the next publish reconnects
        app.amqp._producer_pool = None

    yield point_at
    point_at(good)


def backlog(n, now):
    tickets = [TicketFactory(tier="enterprise", now=now - timedelta(minutes=30)) for _ in range(n)]
    for t in tickets:
        t.account.timezone = "Europe/Paris"
        t.account.save()
    return tickets


def sent_count():
    return Notice.objects.filter(status=NoticeStatus.SENT).count()


def test_backlog_drives_backed_up_and_the_worker_sends_one_notice_per_ticket(rota, now, arrival):
    assert connection.vendor == "postgresql"
    tickets = backlog(20, now)
    ev = services.load_evaluate(now=now)
    assert ev.health.state == "backed_up" and ev.notices_created == 20
    wait_for(lambda: sent_count() == 20, timeout=60)
    notices = list(Notice.objects.all())
    assert {n.ticket_id for n in notices} == {t.pk for t in tickets}
    assert all(n.arrival_at == arrival and n.attempts == 1 for n in notices)
    when = f"(at {local_time(arrival, 'Europe/Paris')})"
    assert all("arrive in about" in n.body and when in n.body for n in notices), notices[0].body
    events = TicketEvent.objects.filter(kind=EventKind.NOTICE)
    assert sorted(events.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)

    # The evaluation runs again (the next beat tick): nothing new is decided or sent.
    ev = services.load_evaluate(now=now + timedelta(minutes=1))
    assert ev.notices_created == 0
    services.notices_sweep()
    services.notices_enqueue(ids=[n.pk for n in notices])  # even a stray re-enqueue is harmless
    wait_for(lambda: TicketEvent.objects.filter(kind=EventKind.NOTICE).count() >= 20)
    import time

    time.sleep(2)  # give the worker time to (not) do anything more
    assert Notice.objects.count() == 20
    assert TicketEvent.objects.filter(kind=EventKind.NOTICE).count() == 20
    assert set(Notice.objects.values_list("attempts", flat=True)) == {1}


def test_broker_down_during_ticket_creation_loses_no_notice(rota, broker, sam_support, now):
    backlog(20, now)
    services.load_evaluate(now=now)
    wait_for(lambda: sent_count() == 20, timeout=60)

    broker(CLOSED_PORT)
    client = api_client(sam_support)
    account = AccountFactory(tier="team", timezone="Asia/Tokyo")
    created = []
    for n in range(3):
        body = {"title": f"New while down {n}", "source": "customer", "account": account.pk}
        response = client.post("/api/v1/tickets/", body, format="json")
        assert response.status_code == 201, response.content  # the request never breaks
        created.append(response.json()["id"])
    waiting = Notice.objects.filter(ticket_id__in=created)
    assert waiting.count() == 3  # decided and stored with the ticket's transaction...
    assert set(waiting.values_list("status", flat=True)) == {NoticeStatus.PENDING}
    assert not waiting.filter(enqueued_at__isnull=False).exists()  # ...but not enqueued

    broker_ok = services.notices_sweep()  # still down: the sweep fails quietly, rows stay
    assert broker_ok == 0
    assert waiting.filter(status=NoticeStatus.PENDING).count() == 3

    broker(celery_app_broker_url())
    assert services.notices_sweep() == 3
    wait_for(lambda: waiting.filter(status=NoticeStatus.SENT).count() == 3, timeout=60)
    assert "JST" in waiting.first().body  # the account's own time zone
    assert Notice.objects.count() == 23


def celery_app_broker_url():
    from django.conf import settings

    return settings.CELERY_BROKER_URL
