"""Exceptions to the pre-sales process: CEs ask, CS leadership approves or denies (R9)."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client

from presales import services
from presales.models import ExceptionEvent, PresalesException
from presales.tasks import exception_notify_decision, exception_notify_request
from tests.conftest import api_client
from tests.factories import UserFactory
from tests.presales.conftest import file_request
from triage.models import EventKind

pytestmark = pytest.mark.django_db

URL = "/api/v1/presales/exceptions/"
UNTIL = "2099-06-30"


@pytest.fixture
def leaders(lee_leadership):
    lee_leadership.email = "lee@example.com"
    lee_leadership.save()
    UserFactory(username="lena", role="leadership", email="lena@example.com")
    return lee_leadership


@pytest.fixture
def cara(cara_ce):
    cara_ce.email = "cara@example.com"
    cara_ce.save()
    return cara_ce


def ask(client, account, ticket=None, **overrides):
    data = {
        "kind": "monitor_channel",
        "account": account.pk,
        "reason": "Big trial, 40 users.",
        "ends_on": UNTIL,
        "ticket": ticket,
    }
    data.update(overrides)
    return client.post(URL, data, format="json")


def test_ce_asks_for_an_exception_and_leadership_is_emailed(
    cara, leaders, prospect, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = ask(api_client(cara), prospect)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == "pending"
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["lee@example.com", "lena@example.com"]
    assert "Big trial" in mail.outbox[0].body


@pytest.mark.parametrize("field", ["kind", "account", "reason", "ends_on"])
def test_exception_missing_a_field_is_400(cara, prospect, field):
    data = {"kind": "front_line", "account": prospect.pk, "reason": "r", "ends_on": UNTIL}
    del data[field]
    answer = api_client(cara).post(URL, data, format="json")
    assert answer.status_code == 400 and field in answer.json()
    assert not PresalesException.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("as_sam", 403), ("as_cara", 403), ("as_eve", 403), ("anon", 401), ("as_lee", 200)],
)
def test_only_leadership_decides_exceptions(request, cara_ce, prospect, who, status):
    e = services.exception_request(
        by=cara_ce,
        kind="front_line",
        account=prospect,
        reason="Strategic logo",
        ends_on=date(2099, 1, 1),
    )
    client = request.getfixturevalue(who)
    answer = client.post(
        f"{URL}{e.pk}/decide/", {"decision": "approve", "note": "ok"}, format="json"
    )
    assert answer.status_code == status
    e.refresh_from_db()
    assert e.status == ("approved" if status == 200 else "pending")


def test_leadership_denial_is_on_the_ticket_timeline_and_in_the_history(
    cara, leaders, prospect, django_capture_on_commit_callbacks
):
    r = file_request(cara, account=prospect)
    created = ask(api_client(cara), prospect, ticket=r.pk).json()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client(leaders).post(
            f"{URL}{created['id']}/decide/",
            {"decision": "deny", "note": "Use the CE channel."},
            format="json",
        )
    assert answer.status_code == 200
    assert [h["status"] for h in answer.json()["history"]] == ["pending", "denied"]
    timeline = list(r.ticket.events.filter(kind=EventKind.EXCEPTION))
    assert [e.reason for e in timeline] == ["Big trial, 40 users.", "Use the CE channel."]
    assert "denied" in timeline[-1].to_value
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"cara@example.com", "lee@example.com", "lena@example.com"}


def test_deciding_twice_is_a_conflict(cara_ce, as_lee, prospect):
    e = services.exception_request(
        by=cara_ce, kind="front_line", account=prospect, reason="r", ends_on=date(2099, 1, 1)
    )
    decide = f"{URL}{e.pk}/decide/"
    assert (
        as_lee.post(decide, {"decision": "approve", "note": "ok"}, format="json").status_code == 200
    )
    answer = as_lee.post(decide, {"decision": "deny", "note": "no"}, format="json")
    assert answer.status_code == 409
    assert ExceptionEvent.objects.filter(exception=e).count() == 2


def test_decision_needs_a_note(cara_ce, as_lee, prospect):
    e = services.exception_request(
        by=cara_ce, kind="other", account=prospect, reason="r", ends_on=date(2099, 1, 1)
    )
    answer = as_lee.post(
        f"{URL}{e.pk}/decide/", {"decision": "approve", "note": " "}, format="json"
    )
    assert answer.status_code == 400
    e.refresh_from_db()
    assert e.status == "pending"


def test_exception_emails_are_sent_once_however_often_the_task_runs(
    cara, leaders, prospect, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        e = services.exception_request(
            by=cara, kind="other", account=prospect, reason="r", ends_on=date(2099, 1, 1)
        )
        services.exception_decide(exception=e, by=leaders, approve=True, note="fine")
    assert len(mail.outbox) == 2
    assert exception_notify_request.delay(e.pk).get() is False
    assert exception_notify_decision.delay(e.pk).get() is False
    assert len(mail.outbox) == 2


def test_ce_sees_only_own_exceptions_and_cannot_tie_one_to_anothers_ticket(
    cara_ce, carl_ce, prospect
):
    carls = file_request(carl_ce, account=prospect)
    services.exception_request(
        by=carl_ce, kind="other", account=prospect, reason="carl's", ends_on=date(2099, 1, 1)
    )
    as_cara = api_client(cara_ce)
    assert as_cara.get(URL).json()["results"] == []
    assert ask(as_cara, prospect, ticket=carls.pk).status_code == 400


def test_leadership_sees_open_exception_requests_and_decides_in_the_browser(
    cara_ce, lee_leadership, prospect
):
    e = services.exception_request(
        by=cara_ce,
        kind="monitor_channel",
        account=prospect,
        reason="Trial with 40 users",
        ends_on=date(2099, 1, 1),
    )
    leader = Client()
    leader.force_login(lee_leadership)
    page = leader.get("/presales/exceptions/").content.decode()
    assert "Waiting for your decision" in page and f"#{e.pk}" in page
    bad = leader.post(e.get_absolute_url(), {"decision": "approve", "note": ""})
    assert bad.status_code == 400 and "note" in bad.context["form"].errors
    ok = leader.post(e.get_absolute_url(), {"decision": "approve", "note": "Until the PoC ends"})
    assert ok.status_code == 302
    e.refresh_from_db()
    assert e.status == "approved" and e.decided_by == lee_leadership


def test_ce_asks_for_an_exception_in_the_browser(cara_ce, prospect):
    r = file_request(cara_ce, account=prospect)
    ce = Client()
    ce.force_login(cara_ce)
    form = ce.get(f"/presales/exceptions/new/?ticket={r.pk}")
    assert form.status_code == 200
    missing = ce.post(
        "/presales/exceptions/new/",
        {"ticket": r.pk, "kind": "front_line", "account": prospect.pk, "reason": ""},
    )
    assert missing.status_code == 400 and {"reason", "ends_on"} <= set(
        missing.context["form"].errors
    )
    done = ce.post(
        "/presales/exceptions/new/",
        {
            "ticket": r.pk,
            "kind": "front_line",
            "account": prospect.pk,
            "reason": "Exec sponsor",
            "ends_on": "2099-01-31",
        },
    )
    assert done.status_code == 302
    assert PresalesException.objects.get().ticket_id == r.pk


def test_ce_cannot_open_another_ces_exception(cara_ce, carl_ce, prospect):
    e = services.exception_request(
        by=carl_ce, kind="other", account=prospect, reason="carl's", ends_on=date(2099, 1, 1)
    )
    assert api_client(cara_ce).get(f"{URL}{e.pk}/").status_code == 404
    ce = Client()
    ce.force_login(cara_ce)
    assert ce.get(e.get_absolute_url()).status_code == 404
    assert ce.post(e.get_absolute_url(), {"decision": "approve", "note": "x"}).status_code == 404


def test_pending_exception_has_no_decider_and_the_schema_allows_it(cara_ce, as_lee, prospect):
    """Found by the fuzzer: `decided_by` is null until leadership decides, but the schema
    promised a string, so generated clients rejected every pending exception."""
    e = services.exception_request(
        by=cara_ce, kind="front_line", account=prospect, reason="r", ends_on=date(2099, 1, 1)
    )
    assert as_lee.get(f"{URL}{e.pk}/").json()["decided_by"] is None
    schema = as_lee.get("/api/v1/schema/?format=json").json()
    assert schema["components"]["schemas"]["ExceptionOut"]["properties"]["decided_by"]["nullable"]
