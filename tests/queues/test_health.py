"""GET /api/v1/queue/health/ and the load evaluation's episodes (R7, capacity levels)."""

import re
from datetime import UTC, datetime, timedelta

import time_machine

from queues import services
from queues.models import LevelThreshold, LoadEpisode
from tests.conftest import api_client
from tests.factories import TicketFactory
from tests.queues.helpers import engineer

MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def _tickets(n, now, tier="enterprise"):
    return [TicketFactory(tier=tier, now=now - timedelta(minutes=10)) for _ in range(n)]


def test_health_answers_the_contract_fields(as_eve, rota):
    _tickets(3, MONDAY_10)
    response = as_eve.get("/api/v1/queue/health/", {"at": MONDAY_10.isoformat()})
    assert response.status_code == 200
    data = response.json()
    assert {
        "state", "level", "open_unanswered", "active_per_engineer", "on_shift",
        "oldest_wait_minutes", "next_arrival_at",
    } <= set(data)  # fmt: skip
    assert data["on_shift"] == 2
    assert data["open_unanswered"] == 3
    assert data["active_per_engineer"] == 1.5
    assert data["state"] == "normal" and data["level"] == 1
    assert data["next_arrival_at"] == "2026-01-05T14:00:00Z"


def test_health_at_plans_with_the_rota_at_that_instant(as_eve, rota):
    at = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # ada, ben and cy all working
    data = as_eve.get("/api/v1/queue/health/", {"at": at.isoformat()}).json()
    assert data["on_shift"] == 3
    assert data["next_arrival_at"] == "2026-01-06T09:00:00Z"


def test_health_rejects_a_bad_at(as_eve):
    response = as_eve.get("/api/v1/queue/health/", {"at": "next tuesday"})
    assert response.status_code == 400
    assert "at" in response.json()


def test_health_is_for_staff_roles_only(as_cara, anon):
    assert as_cara.get("/api/v1/queue/health/").status_code == 403
    assert anon.get("/api/v1/queue/health/").status_code == 401


def test_health_query_count_is_constant(django_assert_num_queries, rota, eve_engineering):
    client = api_client(eve_engineering)
    _tickets(5, MONDAY_10)
    engineer("dee")
    # token auth with the caller's roles (1), staff + absences (2), rules (1), counts (1)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/queue/health/", {"at": MONDAY_10.isoformat()}).status_code == 200
    _tickets(20, MONDAY_10)
    engineer("eli")
    with django_assert_num_queries(5):
        assert client.get("/api/v1/queue/health/", {"at": MONDAY_10.isoformat()}).status_code == 200


def test_waiting_on_customer_is_not_an_active_case(rota):
    from queues.selectors import queue_health
    from triage import services as triage_services

    ticket = _tickets(1, MONDAY_10)[0]
    triage_services.ticket_set_status(
        ticket=ticket, by=None, status="waiting_on_customer", now=MONDAY_10
    )
    health = queue_health(at=MONDAY_10)
    assert health.active_cases == 0
    assert health.open_unanswered == 1


def test_nobody_working_with_active_cases_is_level_8(rota):
    from queues.selectors import queue_health

    _tickets(1, MONDAY_10)
    saturday = datetime(2026, 1, 10, 10, 0, tzinfo=UTC)
    health = queue_health(at=saturday)
    assert health.level == 8 and health.state == "backed_up"
    assert health.next_arrival_at == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


def test_edited_threshold_rows_decide_the_level(rota):
    from queues.selectors import queue_health

    _tickets(3, MONDAY_10)  # 1.5 per engineer
    assert queue_health(at=MONDAY_10).level == 1
    LevelThreshold.objects.filter(level=2).update(load_above=1)
    health = queue_health(at=MONDAY_10)
    assert health.level == 2 and health.state == "busy"
    assert health.rule.name == "team coordination"


def test_each_change_of_level_is_recorded_in_the_episode(rota):
    ev = services.load_evaluate(now=MONDAY_10)
    assert ev.episode.state == "normal" and ev.episode.level == 1
    _tickets(12, MONDAY_10)  # 6 per engineer: level 2, busy
    ev = services.load_evaluate(now=MONDAY_10 + timedelta(minutes=1))
    assert ev.episode.state == "busy" and ev.episode.level == 2
    _tickets(3, MONDAY_10)  # 7.5 per engineer: level 3, still busy
    ev = services.load_evaluate(now=MONDAY_10 + timedelta(minutes=2))
    assert ev.episode.level == 3 and ev.episode.peak_level == 3
    assert [x["level"] for x in ev.episode.levels] == [2, 3]
    episodes = list(LoadEpisode.objects.order_by("started_at"))
    assert [(e.state, e.is_open) for e in episodes] == [("normal", False), ("busy", True)]
    assert episodes[0].ended_at == MONDAY_10 + timedelta(minutes=1)


def test_evaluating_twice_at_the_same_load_changes_nothing(rota):
    services.load_evaluate(now=MONDAY_10)
    services.load_evaluate(now=MONDAY_10 + timedelta(minutes=1))
    assert LoadEpisode.objects.count() == 1


def test_beat_evaluates_the_load_every_minute_and_sweeps_the_outbox(settings, rota):
    from queues import tasks

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["queues-evaluate-load"] == {
        "task": "queues.tasks.evaluate_load",
        "schedule": 60.0,
    }
    assert schedule["queues-sweep-notices"]["task"] == "queues.tasks.sweep_notices"
    tasks.evaluate_load.delay()
    tasks.sweep_notices.delay()
    assert LoadEpisode.objects.filter(is_open=True).count() == 1


def test_load_banner_reads_the_stored_evaluation_in_one_query_whatever_the_queue(
    django_assert_num_queries, rota
):
    """Issue 14: the banner counts no tickets; it reads the last evaluation with the switch."""
    from queues.selectors import load_banner

    services.load_evaluate(now=MONDAY_10)
    for n in (5, 40):
        _tickets(n, MONDAY_10)
        with django_assert_num_queries(1):  # the stored evaluation, with the pause switch
            banner = load_banner(now=MONDAY_10)
        assert banner["load"].contingency and banner["load"].evaluated_at == MONDAY_10


def test_the_load_banner_shows_the_last_evaluation_and_when_it_was_taken(
    rota, client, sam_support, django_assert_num_queries
):
    """The queue page's banner polls `?part=load` every minute and gets the banner alone: the
    level of the last evaluation (Celery beat's, every minute), saying when it was taken."""
    client.force_login(sam_support)
    with time_machine.travel(MONDAY_10, tick=False):
        page = client.get("/").content.decode()
        assert 'hx-get="/?part=load"' in page and 'hx-trigger="every 60s"' in page
        assert "Load level not evaluated yet" in page
        services.load_evaluate()
        quiet = client.get("/?part=load", HTTP_HX_REQUEST="true").content.decode()
        _tickets(40, MONDAY_10)
        # session, user with roles; the stored evaluation with the notice switch: no count
        with django_assert_num_queries(3):
            still = client.get("/?part=load", HTTP_HX_REQUEST="true").content.decode()
    with time_machine.travel(MONDAY_10 + timedelta(minutes=1), tick=False):
        services.load_evaluate()
    with time_machine.travel(MONDAY_10 + timedelta(minutes=3), tick=False):
        busy = client.get("/?part=load", HTTP_HX_REQUEST="true").content.decode()
    assert quiet.lstrip().startswith("<link") and 'id="load-banner"' in quiet
    assert "queue-rows" not in busy and "<html" not in busy
    level = re.compile(r"Load level (\d) of 8")
    assert level.search(still).group(1) == level.search(quiet).group(1)
    assert int(level.search(busy).group(1)) > int(level.search(quiet).group(1))
    assert "Evaluated <time" in quiet and "10:00 · just now</time>" in quiet
    assert "10:01 · 2 min ago</time>" in busy and "older than expected" not in busy


def test_the_load_banner_says_when_its_evaluation_is_older_than_expected(rota):
    from queues.selectors import load_banner

    services.load_evaluate(now=MONDAY_10)
    assert not load_banner(now=MONDAY_10 + timedelta(minutes=5))["stale"]
    assert load_banner(now=MONDAY_10 + timedelta(minutes=6))["stale"]


def test_the_load_banner_says_notices_are_paused_before_and_after_the_first_evaluation(
    rota, lee_leadership
):
    from queues.selectors import load_banner
    from queues.services import notices_set_paused

    notices_set_paused(paused=True, reason="mail provider incident", by=lee_leadership)
    assert load_banner()["load_paused"] == {"reason": "mail provider incident", "by": "lee"}
    services.load_evaluate(now=MONDAY_10)
    assert load_banner()["load_paused"] == {"reason": "mail provider incident", "by": "lee"}
    notices_set_paused(paused=False, reason="fixed", by=lee_leadership)
    assert load_banner()["load_paused"] is None
