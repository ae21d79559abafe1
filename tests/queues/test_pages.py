"""The rota page, the notices page and the queue page's load banner (HTML, plain POSTs)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from queues.models import Absence, NoticeSwitch, StaffProfile
from queues.services import load_evaluate
from tests.queues.helpers import engineer

MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ada(db):
    return engineer("ada", zone="Europe/Berlin")


@time_machine.travel(MONDAY_10, tick=False)
def test_rota_shows_today_and_the_next_seven_days_in_utc(ada, sam_support):
    page = signed_in(sam_support).get("/rota/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mon 5 Jan" in html and "Mon 12 Jan" in html and "Tue 13 Jan" not in html
    assert "08:00–16:00" in html  # 09:00-17:00 Berlin in winter


def test_support_engineer_edits_own_hours_with_a_plain_post(sam_support):
    client = signed_in(sam_support)
    form = {
        "timezone": "America/Chicago",
        "region": "americas",
        "start_0": "22:00",
        "end_0": "06:00",
    }
    response = client.post("/rota/sam/hours/", form)
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=sam_support)
    assert profile.weekly_hours == [{"day": 0, "start": "22:00", "end": "06:00"}]


def test_bad_hours_show_inline_errors_and_save_nothing(sam_support):
    client = signed_in(sam_support)
    form = {"timezone": "Mars/Base", "region": "emea", "start_0": "25:00", "end_0": "06:00"}
    response = client.post("/rota/sam/hours/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not an IANA time zone name" in html
    assert "HH:MM" in html
    assert not StaffProfile.objects.exists()


def test_support_cannot_edit_someone_elses_rota(ada, sam_support):
    form = {"timezone": "UTC", "region": "emea"}
    assert signed_in(sam_support).post("/rota/ada/hours/", form).status_code == 403


def test_leadership_adds_an_absence_for_anyone(ada, lee_leadership):
    form = {"start": "2026-01-05T00:00", "end": "2026-01-07T00:00", "reason": "conference"}
    response = signed_in(lee_leadership).post("/rota/ada/absences/", form)
    assert response.status_code == 302
    assert Absence.objects.get(user=ada).reason == "conference"


def test_absence_ending_before_it_starts_is_an_inline_error(sam_support):
    form = {"start": "2026-01-07T00:00", "end": "2026-01-05T00:00"}
    response = signed_in(sam_support).post("/rota/sam/absences/", form)
    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()


@time_machine.travel(MONDAY_10, tick=False)
def test_leadership_previews_the_notice_and_pauses_it(ada, lee_leadership):
    client = signed_in(lee_leadership)
    page = client.get("/notices/", {"tz": "America/New_York"})
    assert page.status_code == 200
    assert "more requests than usual" in page.content.decode()
    response = client.post("/notices/", {"paused": "1", "reason": "mail provider incident"})
    assert response.status_code == 302
    switch = NoticeSwitch.objects.get()
    assert (switch.paused, switch.by, switch.reason) == (
        True,
        lee_leadership,
        "mail provider incident",
    )
    assert "paused" in client.get("/notices/").content.decode()


def test_notices_page_is_for_leadership_only(sam_support):
    assert signed_in(sam_support).get("/notices/").status_code == 403


@time_machine.travel(MONDAY_10, tick=False)
def test_queue_page_shows_level_contingency_and_next_arrival(ada, sam_support):
    load_evaluate()  # as Celery beat does every minute: the banner shows the stored evaluation
    html = signed_in(sam_support).get("/").content.decode()
    assert "Load level 1 of 8" in html
    assert "Business as usual" in html
    assert "next arrival" in html and "6 Jan 08:00 · in 22 h" in html
