"""Trial channels: support joins for a ticket, is reminded once to leave, leaving is recorded."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from presales import notify, services
from presales.models import ChannelEngagement
from presales.tasks import channel_reminders_send
from tests.conftest import wait_for
from tests.factories import TicketFactory
from tests.presales.conftest import file_request
from triage.models import EventKind
from triage.services import ticket_set_status

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
URL = "/api/v1/presales/channels/"


@pytest.fixture
def sam(sam_support):
    sam_support.email = "sam@example.com"
    sam_support.save()
    return sam_support


@pytest.fixture
def request_ticket(cara_ce, prospect):
    return file_request(cara_ce, account=prospect, now=T0).ticket


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_joining_and_leaving_a_trial_channel_is_on_the_timeline(sam, request_ticket):
    e = services.channel_join(ticket=request_ticket, by=sam, channel="#trial-acme", now=T0)
    services.channel_leave(engagement=e, by=sam, now=T0 + timedelta(hours=2))
    e.refresh_from_db()
    assert e.left_at == T0 + timedelta(hours=2)
    events = request_ticket.events.filter(kind=EventKind.CHANNEL)
    assert [x.to_value for x in events] == ["joined #trial-acme", "left #trial-acme"]


def test_reminder_after_the_configured_hours_is_sent_exactly_once(sam, request_ticket, settings):
    settings.PRESALES_CHANNEL_REMINDER_HOURS = 24
    services.channel_join(ticket=request_ticket, by=sam, channel="#trial-acme", now=T0)
    with time_machine.travel(T0 + timedelta(hours=23, minutes=59), tick=False):
        assert channel_reminders_send.delay().get() == 0
    with time_machine.travel(T0 + timedelta(hours=24), tick=False):
        assert channel_reminders_send.delay().get() == 1
        assert channel_reminders_send.delay().get() == 0
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        assert channel_reminders_send.delay().get() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.com"] and "#trial-acme" in mail.outbox[0].subject
    assert ChannelEngagement.objects.get().reminded_at == T0 + timedelta(hours=24)


def test_reminder_hours_are_a_setting(sam, request_ticket, settings):
    settings.PRESALES_CHANNEL_REMINDER_HOURS = 2
    services.channel_join(ticket=request_ticket, by=sam, channel="#trial-acme", now=T0)
    assert notify.channel_reminders_send(now=T0 + timedelta(hours=2)) == 1


def test_resolving_the_ticket_reminds_at_once(
    sam, request_ticket, django_capture_on_commit_callbacks
):
    services.channel_join(ticket=request_ticket, by=sam, channel="#trial-acme", now=T0)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_status(ticket=request_ticket, by=sam, status="resolved")
    assert len(mail.outbox) == 1 and "resolved" in mail.outbox[0].body
    assert notify.channel_reminders_send(now=T0 + timedelta(days=2)) == 0
    assert len(mail.outbox) == 1


def test_an_engineer_who_left_is_not_reminded(sam, request_ticket):
    e = services.channel_join(ticket=request_ticket, by=sam, channel="#trial-acme", now=T0)
    services.channel_leave(engagement=e, by=sam, now=T0 + timedelta(hours=1))
    assert notify.channel_reminders_send(now=T0 + timedelta(days=2)) == 0
    assert mail.outbox == []


def test_queue_page_reminds_the_engineer_to_leave(sam, request_ticket):
    services.channel_join(ticket=request_ticket, by=sam, channel="#trial-acme", now=T0)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert "Trial channels to leave" not in browser(sam).get("/").content.decode()
    with time_machine.travel(T0 + timedelta(hours=25), tick=False):
        page = browser(sam).get("/").content.decode()
    assert "Trial channels to leave" in page and "I left <bdi>#trial-acme</bdi>" in page


def test_leave_button_records_leaving(sam, request_ticket):
    e = services.channel_join(ticket=request_ticket, by=sam, channel="#trial-acme", now=T0)
    answer = browser(sam).post(f"/presales/channels/{e.pk}/leave/", {"next": "/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    e.refresh_from_db()
    assert e.left_at is not None


def test_leadership_sees_every_channel_currently_joined(
    sam, sofia_support, lee_leadership, as_lee, request_ticket
):
    services.channel_join(ticket=request_ticket, by=sam, channel="#trial-acme", now=T0)
    services.channel_join(ticket=request_ticket, by=sofia_support, channel="#trial-b", now=T0)
    gone = services.channel_join(ticket=request_ticket, by=sam, channel="#old", now=T0)
    services.channel_leave(engagement=gone, by=sam, now=T0)
    assert {c["channel"] for c in as_lee.get(URL).json()["results"]} == {"#trial-acme", "#trial-b"}
    page = browser(lee_leadership).get("/presales/channels/").content.decode()
    assert "#trial-acme" in page and "#trial-b" in page and "#old" not in page


@pytest.mark.parametrize(
    ("who", "status"), [("as_sam", 201), ("as_lee", 403), ("as_cara", 403), ("as_eve", 403)]
)
def test_only_support_records_joining_a_channel(request, request_ticket, who, status):
    client = request.getfixturevalue(who)
    answer = client.post(URL, {"ticket": request_ticket.pk, "channel": "#t"}, format="json")
    assert answer.status_code == status


def test_channel_api_join_leave_and_conflicts(as_sam, request_ticket):
    joined = as_sam.post(URL, {"ticket": request_ticket.pk, "channel": "#t"}, format="json")
    assert joined.status_code == 201
    again = as_sam.post(URL, {"ticket": request_ticket.pk, "channel": "#t"}, format="json")
    assert again.status_code == 409
    leave = f"{URL}{joined.json()['id']}/leave/"
    assert as_sam.post(leave).status_code == 200
    assert as_sam.post(leave).status_code == 409


def test_trial_channels_are_for_presales_tickets(as_sam):
    ticket = TicketFactory(tier="enterprise")
    answer = as_sam.post(URL, {"ticket": ticket.pk, "channel": "#c"}, format="json")
    assert answer.status_code == 400 and "ticket" in answer.json()


def test_support_records_joining_from_the_ticket_page(sam, request_ticket):
    answer = browser(sam).post(
        f"/presales/tickets/{request_ticket.pk}/channels/", {"channel": "#trial-acme"}
    )
    assert answer.status_code == 302
    assert ChannelEngagement.objects.get().channel == "#trial-acme"


@pytest.mark.celery_worker
def test_real_worker_reminds_once_on_resolve_and_on_schedule(celery_worker, sam, prospect, cara_ce):
    """The worker (a separate process) sends the reminder; the stored marker stops a second one."""
    now = datetime.now(UTC)
    resolved = file_request(cara_ce, account=prospect).ticket
    stale = file_request(cara_ce, account=prospect).ticket
    on_resolve = services.channel_join(ticket=resolved, by=sam, channel="#a", now=now)
    on_schedule = services.channel_join(
        ticket=stale, by=sam, channel="#b", now=now - timedelta(hours=48)
    )
    ticket_set_status(ticket=resolved, by=sam, status="resolved")  # commits: the hook enqueues
    first = wait_for(
        lambda: (
            ChannelEngagement.objects.filter(pk=on_resolve.pk, reminded_at__isnull=False)
            .values_list("reminded_at", flat=True)
            .first()
        )
    )
    channel_reminders_send.delay()
    second = wait_for(
        lambda: (
            ChannelEngagement.objects.filter(pk=on_schedule.pk, reminded_at__isnull=False)
            .values_list("reminded_at", flat=True)
            .first()
        )
    )
    channel_reminders_send.delay()
    channel_reminders_send.delay(resolved.pk)
    # One worker takes tasks in order: once a later sentinel reminder is done, so are the re-runs.
    sentinel_ticket = file_request(cara_ce, account=prospect).ticket
    sentinel = services.channel_join(
        ticket=sentinel_ticket, by=sam, channel="#c", now=now - timedelta(hours=48)
    )
    channel_reminders_send.delay(sentinel_ticket.pk)
    wait_for(
        lambda: ChannelEngagement.objects.filter(pk=sentinel.pk, reminded_at__isnull=False).exists()
    )
    on_resolve.refresh_from_db()
    on_schedule.refresh_from_db()
    assert on_resolve.reminded_at == first and on_schedule.reminded_at == second
