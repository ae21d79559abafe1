"""GET/PUT /api/v1/staff/ and POST /staff/{username}/absences/ (PRODUCT.md REST API v1)."""

from datetime import UTC, datetime

import pytest
import time_machine

from queues.models import Absence, StaffProfile
from tests.conftest import api_client
from tests.factories import UserFactory

WEEKDAYS_9_TO_5 = [{"day": d, "start": "09:00", "end": "17:00"} for d in range(5)]


@pytest.fixture
def sam_hours(as_sam):
    body = {"timezone": "Europe/Berlin", "region": "emea", "weekly_hours": WEEKDAYS_9_TO_5}
    assert as_sam.put("/api/v1/staff/sam/", body, format="json").status_code == 200


def test_support_engineer_sets_own_hours(as_sam):
    body = {"timezone": "Europe/Berlin", "region": "emea", "weekly_hours": WEEKDAYS_9_TO_5}
    response = as_sam.put("/api/v1/staff/sam/", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["username"] == "sam"
    assert data["timezone"] == "Europe/Berlin"
    assert data["region"] == "emea"
    assert data["weekly_hours"] == WEEKDAYS_9_TO_5
    assert StaffProfile.objects.get(user__username="sam").timezone == "Europe/Berlin"


def test_hours_ending_before_they_start_cross_midnight(as_sam):
    body = {
        "timezone": "America/Los_Angeles",
        "region": "americas",
        "weekly_hours": [{"day": 4, "start": "22:00", "end": "02:00"}],
    }
    assert as_sam.put("/api/v1/staff/sam/", body, format="json").status_code == 200
    # Friday 22:00 LA to Saturday 02:00 LA; Saturday 01:00 LA in winter is 09:00 UTC.
    with time_machine.travel(datetime(2026, 1, 10, 9, 0, tzinfo=UTC), tick=False):
        staff = as_sam.get("/api/v1/staff/").json()
    assert next(s for s in staff if s["username"] == "sam")["working_now"] is True


def _hours(day, start, end):
    return {
        "timezone": "UTC",
        "region": "emea",
        "weekly_hours": [{"day": day, "start": start, "end": end}],
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Olympus", "region": "emea", "weekly_hours": []}, "timezone"),
        ({"timezone": "UTC", "region": "apac", "weekly_hours": []}, "region"),
        (_hours(0, "9:00", "17:00"), "weekly_hours"),
        (_hours(0, "09:00", "24:00"), "weekly_hours"),
        (_hours(7, "09:00", "17:00"), "weekly_hours"),
        (_hours("1", "09:00", "17:00"), "weekly_hours"),
        ({"timezone": "UTC", "region": "emea"}, "weekly_hours"),
    ],
)  # fmt: skip
def test_bad_staff_input_is_400_with_the_field_and_nothing_saved(as_sam, body, field):
    response = as_sam.put("/api/v1/staff/sam/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not StaffProfile.objects.filter(user__username="sam").exists()


def test_support_cannot_edit_someone_else(as_sam, sofia_support):
    body = {"timezone": "UTC", "region": "emea", "weekly_hours": []}
    assert as_sam.put("/api/v1/staff/sofia/", body, format="json").status_code == 403
    absence = {"start": "2026-01-05T00:00:00Z", "end": "2026-01-06T00:00:00Z", "reason": "x"}
    assert as_sam.post("/api/v1/staff/sofia/absences/", absence, format="json").status_code == 403


def test_leadership_edits_anyone(as_lee, sam_support):
    body = {"timezone": "Asia/Tokyo", "region": "other", "weekly_hours": WEEKDAYS_9_TO_5}
    assert as_lee.put("/api/v1/staff/sam/", body, format="json").status_code == 200
    absence = {"start": "2026-01-05T00:00:00Z", "end": "2026-01-06T00:00:00Z", "reason": "leave"}
    response = as_lee.post("/api/v1/staff/sam/absences/", absence, format="json")
    assert response.status_code == 201
    assert response.json()["reason"] == "leave"


def test_engineering_and_ce_cannot_edit_staff(as_eve, as_cara, sam_support):
    body = {"timezone": "UTC", "region": "emea", "weekly_hours": []}
    assert as_eve.put("/api/v1/staff/sam/", body, format="json").status_code == 403
    assert as_cara.get("/api/v1/staff/").status_code == 403


def test_unknown_engineer_is_404(as_lee):
    body = {"timezone": "UTC", "region": "emea", "weekly_hours": []}
    assert as_lee.put("/api/v1/staff/nobody/", body, format="json").status_code == 404


@pytest.mark.parametrize(
    ("absence", "field"),
    [
        ({"start": "2026-01-06T00:00:00Z", "end": "2026-01-05T00:00:00Z"}, "end"),
        ({"start": "2026-01-05T00:00:00Z", "end": "2026-01-05T00:00:00Z"}, "end"),
        ({"start": "tomorrow", "end": "2026-01-05T00:00:00Z"}, "start"),
    ],
)
def test_bad_absence_is_400(as_sam, absence, field):
    response = as_sam.post("/api/v1/staff/sam/absences/", absence, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Absence.objects.exists()


@time_machine.travel(datetime(2026, 1, 5, 10, 0, tzinfo=UTC), tick=False)  # Monday 11:00 Berlin
def test_absent_engineer_is_not_working_now(as_sam, sam_hours):
    staff = {s["username"]: s for s in as_sam.get("/api/v1/staff/").json()}
    assert staff["sam"]["working_now"] is True
    absence = {"start": "2026-01-05T08:00:00Z", "end": "2026-01-05T12:00:00Z", "reason": "dentist"}
    assert as_sam.post("/api/v1/staff/sam/absences/", absence, format="json").status_code == 201
    staff = {s["username"]: s for s in as_sam.get("/api/v1/staff/").json()}
    assert staff["sam"]["working_now"] is False
    assert staff["sam"]["absences"][0]["reason"] == "dentist"


def test_staff_list_shows_only_support_engineers_with_defaults(as_eve, sam_support):
    UserFactory(username="lee", role="leadership")
    staff = as_eve.get("/api/v1/staff/").json()
    assert [s["username"] for s in staff] == ["sam"]
    assert staff[0]["timezone"] == "UTC"
    assert staff[0]["weekly_hours"] == []
    assert staff[0]["working_now"] is False


def test_staff_list_query_count_is_constant(django_assert_max_num_queries, eve_engineering):
    client = api_client(eve_engineering)
    for n in range(6):
        UserFactory(username=f"se{n}", role="support")
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/staff/").status_code == 200
