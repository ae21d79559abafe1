"""Proactive notices when the queue is backed up (R7): one per waiting ticket per episode."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from queues import services
from queues.models import LoadEpisode, Notice, NoticeStatus, NoticeSwitch
from queues.notices import hours_until, local_time, notice_text
from tests.factories import TicketFactory
from triage.models import EventKind, TicketEvent

MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
NY_ARRIVAL = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def monday_ten():
    """Fix the clock: notices are worded when they are sent, relative to that moment."""
    with time_machine.travel(MONDAY_10, tick=False):
        yield


def backlog(n, *, now=MONDAY_10, tier="enterprise", zone=""):
    tickets = [TicketFactory(tier=tier, now=now - timedelta(minutes=30)) for _ in range(n)]
    for t in tickets:
        t.account.timezone = zone
        t.account.save()
    return tickets


# --- the text (pure) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "hours"), [(10, 1), (89, 1), (90, 2), (240, 4), (265, 4), (275, 5)]
)
def test_about_n_hours_rounds_to_the_nearest_hour_and_is_at_least_one(minutes, hours):
    assert hours_until(MONDAY_10, MONDAY_10 + timedelta(minutes=minutes)) == hours


def test_arrival_time_is_shown_in_the_customers_time_zone():
    assert local_time(NY_ARRIVAL, "Europe/Paris") == "15:00 CET on Monday 5 January"
    assert local_time(NY_ARRIVAL, "") == "14:00 UTC on Monday 5 January"
    assert local_time(NY_ARRIVAL, "Asia/Kolkata") == "19:30 IST on Monday 5 January"


def test_arrival_time_follows_the_customers_daylight_saving():
    summer = datetime(2026, 7, 6, 14, 0, tzinfo=UTC)
    assert local_time(summer, "Europe/Paris") == "16:00 CEST on Monday 6 July"


def test_notice_is_honest_and_says_when_people_arrive():
    text = notice_text(
        customer="Initech", ticket_id=7, title="Exports time out", now=MONDAY_10,
        arrival_at=NY_ARRIVAL, zone_name="Europe/Paris",
    )  # fmt: skip
    assert "more requests than usual" in text.body
    assert "in about 4 hours (at 15:00 CET on Monday 5 January)" in text.body
    assert "#7" in text.subject


def test_notice_without_a_known_arrival_promises_no_time():
    text = notice_text(customer="X", ticket_id=1, title="t", now=MONDAY_10, arrival_at=None)
    assert "about" not in text.body and "more requests than usual" in text.body


# --- deciding and delivering ---------------------------------------------------------------


def test_backed_up_queue_sends_one_notice_per_waiting_ticket(
    rota, django_capture_on_commit_callbacks
):
    tickets = backlog(20, zone="Europe/Paris")  # 20 cases / 2 working = 10 per engineer
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.load_evaluate(now=MONDAY_10)
    assert ev.health.state == "backed_up"
    assert ev.notices_created == 20
    assert len(mail.outbox) == 20
    assert {m.to[0] for m in mail.outbox} == {services_fallback()}
    assert all("in about 4 hours (at 15:00 CET" in m.body for m in mail.outbox)
    assert Notice.objects.filter(status=NoticeStatus.SENT).count() == 20
    events = TicketEvent.objects.filter(kind=EventKind.NOTICE)
    assert sorted(events.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)
    assert Notice.objects.first().arrival_at == NY_ARRIVAL


def test_notices_go_to_the_customers_contact_address(rota, django_capture_on_commit_callbacks):
    tickets = backlog(20)
    tickets[0].account.contact_email = "ops@customer.example"
    tickets[0].account.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.load_evaluate(now=MONDAY_10)
    to = {m.to[0] for m in mail.outbox if f"[#{tickets[0].pk}]" in m.subject}
    assert to == {"ops@customer.example"}


def test_notices_skip_work_waiting_on_the_customer_and_word_answered_tickets_right(
    rota, sam_support, django_capture_on_commit_callbacks
):
    """R7: a customer we asked for logs gets no notice; one who had the first substantive reply
    and waits for the next update hears about the next update, not "first reply"."""
    from triage import services as triage

    tickets = backlog(20)
    waiting, answered = tickets[0], tickets[1]
    triage.ticket_set_status(
        ticket=waiting, by=sam_support, status="waiting_on_customer", now=MONDAY_10
    )
    triage.ticket_reply(
        ticket=answered, by=sam_support, body="Found the cause; a patch is next.", public=True,
        first_response=True, now=MONDAY_10,
    )  # fmt: skip
    internal = TicketFactory(tier="internal", now=MONDAY_10)
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.load_evaluate(now=MONDAY_10)
    assert ev.health.state == "backed_up"
    noticed = set(Notice.objects.values_list("ticket_id", flat=True))
    assert waiting.pk not in noticed and internal.pk not in noticed and answered.pk in noticed
    assert len(noticed) == 19
    (to_answered,) = [m for m in mail.outbox if f"[#{answered.pk}]" in m.subject]
    assert "next update" in to_answered.subject and "next update" in to_answered.body
    assert "first reply" not in to_answered.body
    others = [m for m in mail.outbox if m is not to_answered]
    assert all("our first reply may take longer" in m.body for m in others)


def services_fallback():
    from django.conf import settings

    return settings.DEFAULT_FROM_EMAIL


def test_evaluating_again_in_the_same_episode_sends_nothing_new(
    rota, django_capture_on_commit_callbacks
):
    backlog(20)
    with django_capture_on_commit_callbacks(execute=True):
        services.load_evaluate(now=MONDAY_10)
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.load_evaluate(now=MONDAY_10 + timedelta(minutes=1))
        services.notices_sweep(now=MONDAY_10 + timedelta(minutes=1))
    assert ev.notices_created == 0
    assert len(mail.outbox) == 20
    assert Notice.objects.count() == 20


def test_internal_work_never_gets_a_notice(rota, django_capture_on_commit_callbacks):
    backlog(19)
    internal = TicketFactory(tier="internal", now=MONDAY_10)
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.load_evaluate(now=MONDAY_10)
    assert ev.health.state == "backed_up"
    assert Notice.objects.count() == 19
    assert not Notice.objects.filter(ticket=internal).exists()


def test_busy_is_not_backed_up_and_sends_nothing(rota, django_capture_on_commit_callbacks):
    backlog(12)  # 6 per engineer: level 2
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.load_evaluate(now=MONDAY_10)
    assert ev.health.state == "busy"
    assert not Notice.objects.exists() and not mail.outbox


def test_ticket_arriving_during_the_episode_gets_its_notice_on_arrival(
    rota, django_capture_on_commit_callbacks
):
    backlog(20)
    with django_capture_on_commit_callbacks(execute=True):
        services.load_evaluate(now=MONDAY_10)
    with django_capture_on_commit_callbacks(execute=True):
        late = TicketFactory(tier="presales", now=MONDAY_10)
    assert Notice.objects.filter(ticket=late, status=NoticeStatus.SENT).count() == 1
    assert len(mail.outbox) == 21


def test_a_new_episode_notifies_again(rota, django_capture_on_commit_callbacks):
    backlog(20)
    with django_capture_on_commit_callbacks(execute=True):
        services.load_evaluate(now=MONDAY_10)
    # The New York engineer arrives: 20 / 3 = 6.7 per engineer, busy; then back up at 22:00.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.load_evaluate(now=NY_ARRIVAL).health.state == "busy"
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.load_evaluate(now=datetime(2026, 1, 5, 22, 30, tzinfo=UTC))
    assert ev.health.state == "backed_up"
    assert LoadEpisode.objects.filter(state="backed_up").count() == 2
    assert Notice.objects.count() == 40


def test_paused_notices_are_not_sent_and_resume_catches_up(
    rota, lee_leadership, django_capture_on_commit_callbacks
):
    backlog(20)
    services.notices_set_paused(paused=True, reason="mail outage", by=lee_leadership)
    with django_capture_on_commit_callbacks(execute=True):
        services.load_evaluate(now=MONDAY_10)
    assert not Notice.objects.exists()
    services.notices_set_paused(paused=False, reason="mail is back", by=lee_leadership)
    with django_capture_on_commit_callbacks(execute=True):
        services.load_evaluate(now=MONDAY_10 + timedelta(minutes=1))
    assert len(mail.outbox) == 20
    assert list(NoticeSwitch.objects.values_list("paused", "by__username")) == [
        (False, "lee"),
        (True, "lee"),
    ]


def test_only_leadership_pauses_notices_with_a_reason(sam_support, lee_leadership):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.notices_set_paused(paused=True, reason="x", by=sam_support)
    with pytest.raises(ValidationError):
        services.notices_set_paused(paused=True, reason="  ", by=lee_leadership)


def test_failed_delivery_is_kept_with_its_error_and_retried(
    rota, settings, django_capture_on_commit_callbacks
):
    backlog(20)
    settings.EMAIL_BACKEND = "tests.queues.failing_mail.EmailBackend"
    with (
        time_machine.travel(MONDAY_10, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.load_evaluate()
    failed = Notice.objects.filter(status=NoticeStatus.FAILED)
    assert failed.count() == 20
    assert failed.first().attempts == 1
    assert "SMTP server unavailable" in failed.first().last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(MONDAY_10 + timedelta(minutes=1), tick=False):
        services.notices_sweep()  # the retry is not due yet
    assert not mail.outbox
    with time_machine.travel(MONDAY_10 + timedelta(minutes=5), tick=False):
        services.notices_sweep()
    assert len(mail.outbox) == 20
    assert Notice.objects.filter(status=NoticeStatus.SENT, attempts=2).count() == 20


def test_a_row_claimed_by_a_dead_worker_is_never_resent(rota, django_capture_on_commit_callbacks):
    backlog(20)
    episode = services.load_evaluate(now=MONDAY_10).episode  # on_commit not run: rows pending
    notice = Notice.objects.filter(episode=episode).first()
    # A worker claimed it and died before confirming (its task will be redelivered: acks_late).
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SENDING, claimed_at=MONDAY_10)
    result = services.notices_deliver(ids=[notice.pk], now=MONDAY_10)
    assert result.skipped == 1 and not mail.outbox
    services.notices_sweep(now=MONDAY_10 + timedelta(minutes=11))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.UNCERTAIN
    # The enqueue after the decision never ran (a crash right after the commit): the sweep
    # publishes those rows once REQUEUE_AFTER has passed.
    services.notices_sweep(now=MONDAY_10 + services.REQUEUE_AFTER + timedelta(minutes=1))
    assert len(mail.outbox) == 19  # the others went out, this one never twice


def test_delivering_the_same_batch_twice_sends_once(rota):
    backlog(20)
    services.load_evaluate(now=MONDAY_10)
    ids = list(Notice.objects.values_list("id", flat=True))
    first = services.notices_deliver(ids=ids, now=MONDAY_10)
    second = services.notices_deliver(ids=ids, now=MONDAY_10)
    assert (first.sent, second.sent, second.skipped) == (20, 0, 20)
    assert len(mail.outbox) == 20


def test_ce_sees_the_notices_on_their_pre_sales_tickets(
    rota, cara_ce, carl_ce, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from queues.selectors import presales_notices_for

    backlog(20)
    with django_capture_on_commit_callbacks(execute=True):
        services.load_evaluate(now=MONDAY_10)
    with django_capture_on_commit_callbacks(execute=True):
        mine = [TicketFactory(tier="presales", by=cara_ce, now=MONDAY_10) for _ in range(3)]
        TicketFactory(tier="presales", by=carl_ce, now=MONDAY_10)
    with django_assert_num_queries(1):
        notices = list(presales_notices_for(cara_ce))
        assert {n.ticket_id for n in notices} == {t.pk for t in mine}
        assert all(n.ticket.account.name and n.status == NoticeStatus.SENT for n in notices)
    assert "more requests than usual" in notices[0].body


def test_seed_rota_loads_the_ten_engineer_demo_rota(db):
    from django.core.management import call_command

    from queues.selectors import queue_health, support_staff

    call_command("seed_rota", verbosity=0)
    call_command("seed_rota", verbosity=0)  # idempotent
    staff = support_staff()
    assert len(staff) == 10
    assert sum(row.profile.region == "emea" for row in staff) == 3
    # Monday 12:00 UTC: London, Berlin and Amsterdam are working; nobody in the Americas yet.
    health = queue_health(at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    assert health.on_shift == 3
    assert health.next_arrival_at == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


def test_ce_reads_the_notice_on_their_request_page(
    rota, cara_ce, client, django_capture_on_commit_callbacks
):
    from tests.presales.conftest import file_request

    backlog(20)
    with django_capture_on_commit_callbacks(execute=True):
        services.load_evaluate(now=MONDAY_10)
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(cara_ce, now=MONDAY_10)  # arrives during the episode
    client.force_login(cara_ce)
    page = client.get(f"/presales/requests/{request.pk}/").content.decode()
    assert "Proactive notices" in page and "more requests than usual" in page
