"""Escalations to engineering (R8): full context, drop-everything rules, decisions, inbox order."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalations import services as services
from escalations.models import Escalation, EscalationDecision
from escalations.notify import escalation_decision_send
from escalations.selectors import engineering_inbox
from tests.conftest import api_client
from tests.factories import TicketFactory, UserFactory
from triage.models import EventKind, Status, Ticket
from triage.services import ticket_triage

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def triaged(sam, *, tier="enterprise", severity="p1", priority=None, assignee=None):
    ticket = TicketFactory(tier=tier, severity=severity, now=NOW)
    priority = priority or ticket.suggested_priority
    reason = "" if priority == ticket.suggested_priority else "test override"
    ticket = ticket_triage(
        ticket=ticket, by=sam, severity=severity, priority=priority, reason=reason, now=NOW
    )
    if assignee:
        ticket.assignee = assignee
        ticket.save(update_fields=["assignee"])
    return ticket


def context(**overrides):
    body = {
        "summary": "Exports time out for large projects",
        "reproduction_steps": "1. Open a project with 50k issues\n2. Export CSV\n3. 504 after 60 s",
        "impact": "Blocks the customer's quarterly audit for all admins",
        "customer_deadline": "2026-12-04",
        "tried": "Raised the proxy timeout; split the export by label",
        "links": ["https://logs.example.com/trace/abc", "https://docs.example.com/design/export"],
    }
    return {**body, **overrides}


def escalate(sam, ticket, **overrides):
    data = context(**overrides)
    data["customer_deadline"] = date.fromisoformat(data["customer_deadline"])
    return services.escalation_create(ticket=ticket, by=sam, now=NOW, **data)


def test_escalating_a_triaged_ticket_records_full_context_and_status(as_sam, sam_support):
    ticket = triaged(sam_support)
    answer = as_sam.post(f"/api/v1/tickets/{ticket.pk}/escalations/", context(), format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["state"] == "open" and body["urgency"] == "normal"
    assert body["ticket"]["id"] == ticket.pk and body["ticket"]["status"] == "escalated"
    assert body["links"] == context()["links"] and body["customer_deadline"] == "2026-12-04"
    ticket.refresh_from_db()
    assert ticket.status == "escalated"
    kinds = list(ticket.events.values_list("kind", "to_value").order_by("at", "id"))[-2:]
    assert kinds == [(EventKind.ESCALATION, "escalated (normal)"), (EventKind.STATUS, "escalated")]


@pytest.mark.parametrize(
    "missing", ["summary", "reproduction_steps", "impact", "customer_deadline", "tried", "links"]
)
def test_escalation_without_full_context_is_refused_and_nothing_saved(as_sam, sam_support, missing):
    ticket = triaged(sam_support)
    blank = {"customer_deadline": None, "links": []}.get(missing, "  ")
    answer = as_sam.post(
        f"/api/v1/tickets/{ticket.pk}/escalations/", context(**{missing: blank}), format="json"
    )
    assert answer.status_code == 400
    assert missing in answer.json()
    assert not Escalation.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "triaged"


def test_escalation_links_must_be_valid_urls(as_sam, sam_support):
    ticket = triaged(sam_support)
    answer = as_sam.post(
        f"/api/v1/tickets/{ticket.pk}/escalations/",
        context(links=["https://ok.example.com/log", "not a url"]),
        format="json",
    )
    assert answer.status_code == 400 and "not a url" in answer.json()["links"][0]
    assert not Escalation.objects.exists()


def test_drop_everything_refused_for_p2_ticket(as_sam, sam_support):
    ticket = triaged(sam_support, severity="p2")
    assert ticket.priority == "p2"
    answer = as_sam.post(
        f"/api/v1/tickets/{ticket.pk}/escalations/",
        context(urgency="drop_everything", cannot_wait_a_day=True, justification="Audit tomorrow"),
        format="json",
    )
    assert answer.status_code == 400 and "p0 and p1" in answer.json()["urgency"][0]
    assert not Escalation.objects.exists()


def test_drop_everything_refused_for_p1_without_cannot_wait_flag(as_sam, sam_support):
    ticket = triaged(sam_support, severity="p1")
    answer = as_sam.post(
        f"/api/v1/tickets/{ticket.pk}/escalations/",
        context(urgency="drop_everything", justification="Outage for every user"),
        format="json",
    )
    assert answer.status_code == 400 and "cannot_wait_a_day" in answer.json()
    assert not Escalation.objects.exists()


def test_drop_everything_refused_for_p0_without_justification(as_sam, sam_support):
    ticket = triaged(sam_support, severity="p0")
    answer = as_sam.post(
        f"/api/v1/tickets/{ticket.pk}/escalations/",
        context(urgency="drop_everything", cannot_wait_a_day=True, justification=" "),
        format="json",
    )
    assert answer.status_code == 400 and "justification" in answer.json()
    assert not Escalation.objects.exists()


def test_drop_everything_accepted_for_p0_marked_and_justified(as_sam, sam_support):
    ticket = triaged(sam_support, severity="p0")
    answer = as_sam.post(
        f"/api/v1/tickets/{ticket.pk}/escalations/",
        context(urgency="drop_everything", cannot_wait_a_day=True, justification="Total outage"),
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["urgency"] == "drop_everything"


def test_drop_everything_follows_ticket_priority_not_severity(sam_support):
    # Severity p1 from a free customer; support set priority p2 at triage: engineering sets timing.
    ticket = triaged(sam_support, tier="enterprise", severity="p1", priority="p2")
    with pytest.raises(Exception, match="p0 and p1"):
        escalate(
            sam_support, ticket, urgency="drop_everything", cannot_wait_a_day=True,
            justification="x",
        )  # fmt: skip


def test_untriaged_ticket_cannot_be_escalated(as_sam):
    ticket = TicketFactory(tier="enterprise", severity="p1")
    answer = as_sam.post(f"/api/v1/tickets/{ticket.pk}/escalations/", context(), format="json")
    assert answer.status_code == 409
    assert "Triage it first" in answer.json()["detail"]
    assert not Escalation.objects.exists()


def test_one_open_escalation_per_ticket(as_sam, sam_support):
    ticket = triaged(sam_support)
    escalate(sam_support, ticket)
    answer = as_sam.post(f"/api/v1/tickets/{ticket.pk}/escalations/", context(), format="json")
    assert answer.status_code == 409 and "already has an open escalation" in answer.json()["detail"]
    assert Escalation.objects.count() == 1


def test_inbox_puts_drop_everything_first_then_the_queue_order(sam_support):
    p2_team = triaged(sam_support, tier="team", severity="p2")
    p1_free = triaged(sam_support, tier="free", severity="p1")
    p1_enterprise = triaged(sam_support, tier="enterprise", severity="p1")
    p0_team = triaged(sam_support, tier="team", severity="p0")
    e_p2 = escalate(sam_support, p2_team)
    e_p1_free = escalate(
        sam_support, p1_free, urgency="drop_everything", cannot_wait_a_day=True,
        justification="Their launch is tomorrow",
    )  # fmt: skip
    e_p1_ent = escalate(sam_support, p1_enterprise)
    e_p0 = escalate(sam_support, p0_team)
    order = [e.pk for e in engineering_inbox()]
    assert order == [e_p1_free.pk, e_p0.pk, e_p1_ent.pk, e_p2.pk]


@pytest.mark.parametrize("moved_to", ["in_progress", "waiting_on_customer", "resolved"])
def test_support_moving_an_escalated_ticket_on_withdraws_its_pending_escalation(
    sam_support, as_eve, moved_to
):
    """R8: the status follows the escalation. Support taking the ticket back (or resolving it)
    withdraws what engineering has not decided, so no pending escalation sits on a ticket that
    is not escalated, and reopening never brings back a stale one."""
    from dashboards.figures import open_escalations
    from triage.services import ticket_set_status

    kept, moved = triaged(sam_support, severity="p1"), triaged(sam_support, severity="p2")
    e_kept, e_moved = escalate(sam_support, kept), escalate(sam_support, moved)
    moved = ticket_set_status(ticket=moved, by=sam_support, status=moved_to, reason="workaround")

    e_moved.refresh_from_db()
    assert e_moved.state == "withdrawn" and not e_moved.is_pending
    assert [e.pk for e in engineering_inbox()] == [e_kept.pk]
    assert [r["escalation"] for r in open_escalations(datetime.now(UTC))["rows"]] == [e_kept.pk]
    event = moved.events.filter(kind=EventKind.ESCALATION).last()
    assert (event.from_value, event.to_value) == ("open", "withdrawn")
    assert event.actor == sam_support
    assert Status(moved_to).label.lower() in event.reason and "workaround" in event.reason
    # Engineering can no longer decide it; support may escalate again with fresh context.
    answer = as_eve.patch(
        f"/api/v1/escalations/{e_moved.pk}/", {"decision": "decline", "reason": "x"}, format="json"
    )
    assert answer.status_code == 409
    if moved_to != "resolved":
        if moved_to == "waiting_on_customer":
            ticket_set_status(ticket=moved, by=sam_support, status="in_progress")
        assert escalate(sam_support, moved).state == "open"
        moved.refresh_from_db()
        assert moved.status == "escalated"


def test_an_accepted_escalation_stays_when_support_moves_the_ticket_on(sam_support):
    from triage.services import ticket_set_status

    ticket = triaged(sam_support)
    escalation = escalate(sam_support, ticket)
    eve = UserFactory(role="engineering")
    services.escalation_decide(
        escalation=escalation, by=eve, decision="accept", target_date=date(2099, 1, 5), now=NOW
    )
    ticket_set_status(ticket=ticket, by=sam_support, status="in_progress", reason="workaround")
    escalation.refresh_from_db()
    assert escalation.state == "accepted"  # engineering scheduled the fix: it stays scheduled


def test_escalating_moves_the_ticket_along_the_status_tables_escalation_path(sam_support):
    from triage.services import ticket_set_status

    ticket = ticket_set_status(ticket=triaged(sam_support), by=sam_support, status="in_progress")
    escalate(sam_support, ticket)
    ticket.refresh_from_db()
    assert ticket.status == "escalated"
    (status_event,) = ticket.events.filter(kind=EventKind.STATUS, to_value="escalated")
    assert status_event.from_value == "in_progress"
    assert status_event.reason == "escalated to engineering"


def test_an_escalation_may_state_no_deadline_and_no_links_over_the_api(as_sam, sam_support):
    ticket = triaged(sam_support)
    url = f"/api/v1/tickets/{ticket.pk}/escalations/"
    # Left out is still refused, with the way to say "none" in the message.
    answer = as_sam.post(url, context(customer_deadline=None, links=[]), format="json")
    assert answer.status_code == 400
    assert "no_customer_deadline" in answer.json()["customer_deadline"][0]
    assert "no_links" in answer.json()["links"][0]
    # A date and "no deadline" at once is a contradiction, not a choice.
    both = as_sam.post(url, context(no_customer_deadline=True), format="json")
    assert both.status_code == 400 and "customer_deadline" in both.json()
    assert not Escalation.objects.exists()
    body = context(customer_deadline=None, links=[], no_customer_deadline=True, no_links=True)
    answer = as_sam.post(url, body, format="json")
    assert answer.status_code == 201, answer.json()
    out = answer.json()
    assert (out["customer_deadline"], out["links"]) == (None, [])
    assert out["no_customer_deadline"] is True and out["no_links"] is True
    # The fields the API always had keep their meaning for a dated, linked escalation.
    services.escalation_decide(
        escalation=Escalation.objects.get(), by=UserFactory(role="engineering"),
        decision="decline", reason="Not a bug",
    )  # fmt: skip
    dated = as_sam.post(url, context(), format="json").json()
    assert dated["customer_deadline"] == "2026-12-04" and dated["no_customer_deadline"] is False


def test_engineering_sees_accepted_escalations_as_scheduled_until_the_ticket_resolves(
    sam_support,
):
    """Issue 12: an accepted escalation no longer vanishes while its ticket is open."""
    from dashboards.figures import open_escalations
    from escalations.selectors import engineering_scheduled
    from triage.services import ticket_set_status

    pending = escalate(sam_support, triaged(sam_support, severity="p1"))
    accepted = escalate(sam_support, triaged(sam_support, severity="p2"))
    services.escalation_decide(
        escalation=accepted, by=UserFactory(role="engineering"), decision="accept",
        target_date=date(2099, 1, 15), now=NOW,
    )  # fmt: skip
    assert [e.pk for e in engineering_inbox()] == [pending.pk]
    assert [e.pk for e in engineering_scheduled()] == [accepted.pk]
    rows = open_escalations(NOW)["rows"]
    assert [(r["escalation"], r["state"]) for r in rows] == [
        (pending.pk, "open"), (accepted.pk, "accepted"),
    ]  # fmt: skip
    assert rows[1]["target_date"] == "2099-01-15"
    ticket_set_status(ticket=accepted.ticket, by=sam_support, status="resolved")
    assert list(engineering_scheduled()) == []
    assert [r["escalation"] for r in open_escalations(NOW)["rows"]] == [pending.pk]


def test_inbox_reads_in_constant_queries(sam_support, eve_engineering):
    for severity in ("p0", "p1", "p2"):
        escalate(sam_support, triaged(sam_support, severity=severity))
    with CaptureQueriesContext(connection) as queries:
        rows = list(engineering_inbox())
        for row in rows:
            (row.ticket.account.name, row.created_by.username, list(row.decisions.all()))
    assert len(rows) == 3 and len(queries) == 2


def test_accept_needs_target_date_and_emails_assignee_once(
    django_capture_on_commit_callbacks, sam_support, as_eve
):
    sam_support.email = "sam@example.com"
    sam_support.save()
    ticket = triaged(sam_support, assignee=sam_support)
    escalation = escalate(sam_support, ticket)
    url = f"/api/v1/escalations/{escalation.pk}/"
    assert as_eve.patch(url, {"decision": "accept"}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer = as_eve.patch(
            url, {"decision": "accept", "target_date": "2099-01-15"}, format="json"
        )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "accepted" and answer.json()["target_date"] == "2099-01-15"
    assert len(callbacks) == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.com"] and "accepted" in mail.outbox[0].subject
    decision = EscalationDecision.objects.get()
    assert escalation_decision_send(decision.pk) is False  # a second run finds the work done
    assert len(mail.outbox) == 1
    ticket.refresh_from_db()
    assert ticket.status == "escalated"
    assert ticket.events.filter(kind=EventKind.ESCALATION, to_value__startswith="accepted").exists()


def test_ask_goes_back_to_support_and_answer_returns_it_to_the_inbox(
    django_capture_on_commit_callbacks, sam_support, sofia_support, as_eve, as_sam
):
    sam_support.email, sofia_support.email = "sam@example.com", "sofia@example.com"
    sam_support.save(), sofia_support.save()
    escalation = escalate(sam_support, triaged(sam_support))
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_eve.patch(
            f"/api/v1/escalations/{escalation.pk}/",
            {"decision": "ask", "question": "Which region is the project in?"},
            format="json",
        )
    assert answer.status_code == 200 and answer.json()["state"] == "needs_context"
    # Unassigned ticket: every support engineer hears about it.
    assert sorted(mail.outbox[0].to) == ["sam@example.com", "sofia@example.com"]
    assert list(engineering_inbox()) == []
    # Deciding while support owes an answer is a conflict.
    again = as_eve.patch(
        f"/api/v1/escalations/{escalation.pk}/", {"decision": "decline", "reason": "x"},
        format="json",
    )  # fmt: skip
    assert again.status_code == 409
    url = f"/api/v1/escalations/{escalation.pk}/answer/"
    assert as_sam.post(url, {"answer": ""}, format="json").status_code == 400
    answer = as_sam.post(url, {"answer": "eu-west-1"}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "open"
    assert answer.json()["answer"] == "eu-west-1"
    assert [e.pk for e in engineering_inbox()] == [escalation.pk]
    assert as_sam.post(url, {"answer": "again"}, format="json").status_code == 409


def test_decline_needs_reason_and_hands_ticket_back_to_support(
    django_capture_on_commit_callbacks, sam_support, as_eve
):
    ticket = triaged(sam_support)
    escalation = escalate(sam_support, ticket)
    url = f"/api/v1/escalations/{escalation.pk}/"
    assert (
        as_eve.patch(url, {"decision": "decline", "reason": " "}, format="json").status_code == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_eve.patch(
            url, {"decision": "decline", "reason": "Works as designed"}, format="json"
        )
    assert answer.status_code == 200 and answer.json()["decline_reason"] == "Works as designed"
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert ticket.events.filter(kind=EventKind.STATUS, to_value="in_progress").exists()
    # A decided escalation cannot be decided again.
    for body in (
        {"decision": "accept", "target_date": "2099-01-01"},
        {"decision": "decline", "reason": "again"},
        {"decision": "ask", "question": "?"},
    ):
        assert as_eve.patch(url, body, format="json").status_code == 409
    # Support may escalate again with more context once the earlier one is decided.
    assert escalate(sam_support, ticket).state == "open"


def test_accepted_escalation_cannot_be_declined(sam_support, as_eve):
    escalation = escalate(sam_support, triaged(sam_support))
    url = f"/api/v1/escalations/{escalation.pk}/"
    assert (
        as_eve.patch(
            url, {"decision": "accept", "target_date": "2099-01-01"}, format="json"
        ).status_code
        == 200
    )
    answer = as_eve.patch(url, {"decision": "decline", "reason": "changed mind"}, format="json")
    assert answer.status_code == 409 and "accepted" in answer.json()["detail"]


def test_accept_with_past_target_date_is_refused(sam_support, as_eve):
    escalation = escalate(sam_support, triaged(sam_support))
    answer = as_eve.patch(
        f"/api/v1/escalations/{escalation.pk}/",
        {"decision": "accept", "target_date": "2001-01-01"},
        format="json",
    )
    assert answer.status_code == 400 and "target_date" in answer.json()


def test_escalation_list_filters_by_state(sam_support, as_lee, as_eve):
    first = escalate(sam_support, triaged(sam_support))
    second = escalate(sam_support, triaged(sam_support))
    services.escalation_decide(escalation=second, by=UserFactory(role="engineering"),
                               decision="decline", reason="No bug")  # fmt: skip
    body = as_lee.get("/api/v1/escalations/?state=open").json()
    assert [e["id"] for e in body["results"]] == [first.pk]
    assert body["results"][0]["ticket"]["priority"] == "p1"
    declined = as_eve.get("/api/v1/escalations/?state=declined").json()["results"]
    assert [e["id"] for e in declined] == [second.pk]
    assert declined[0]["decisions"][0]["decision"] == "decline"
    assert as_eve.get("/api/v1/escalations/?state=bogus").status_code == 400
    assert len(as_eve.get("/api/v1/escalations/").json()["results"]) == 2
    page = as_eve.get("/api/v1/escalations/?limit=1").json()
    assert len(page["results"]) == 1 and page["next"]


ROLES = ["support", "ce", "leadership", "engineering", None]


def _client(role):
    return api_client(UserFactory(role=role) if role else None)


def _expected(role, allowed):
    if role is None:
        return 401
    return "ok" if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_only_support_escalates(role, sam_support):
    ticket = triaged(sam_support)
    answer = _client(role).post(
        f"/api/v1/tickets/{ticket.pk}/escalations/", context(), format="json"
    )
    expected = _expected(role, {"support"})
    assert answer.status_code == (201 if expected == "ok" else expected)


@pytest.mark.parametrize("role", ROLES)
def test_support_engineering_and_leadership_read_escalations(role, sam_support):
    escalation = escalate(sam_support, triaged(sam_support))
    client = _client(role)
    expected = _expected(role, {"support", "engineering", "leadership"})
    for url in (
        "/api/v1/escalations/",
        f"/api/v1/escalations/{escalation.pk}/",
        f"/api/v1/tickets/{escalation.ticket_id}/escalations/",
    ):
        assert client.get(url).status_code == (200 if expected == "ok" else expected), url


@pytest.mark.parametrize("role", ROLES)
def test_only_engineering_decides(role, sam_support):
    escalation = escalate(sam_support, triaged(sam_support))
    answer = _client(role).patch(
        f"/api/v1/escalations/{escalation.pk}/",
        {"decision": "accept", "target_date": "2099-01-01"},
        format="json",
    )
    expected = _expected(role, {"engineering"})
    assert answer.status_code == (200 if expected == "ok" else expected)
    assert Escalation.objects.get().state == ("accepted" if expected == "ok" else "open")


@pytest.mark.parametrize("role", ROLES)
def test_only_support_answers(role, sam_support):
    escalation = escalate(sam_support, triaged(sam_support))
    services.escalation_decide(
        escalation=escalation, by=UserFactory(role="engineering"), decision="ask", question="Q?"
    )
    answer = _client(role).post(
        f"/api/v1/escalations/{escalation.pk}/answer/", {"answer": "A."}, format="json"
    )
    expected = _expected(role, {"support"})
    assert answer.status_code == (200 if expected == "ok" else expected)


def test_escalation_endpoints_are_in_the_openapi_schema(anon):
    schema = anon.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/tickets/{id}/escalations/"]
    assert "get" in paths["/api/v1/escalations/"]
    assert "patch" in paths["/api/v1/escalations/{id}/"]
    assert "post" in paths["/api/v1/escalations/{id}/answer/"]


def test_escalation_reports_every_missing_piece_at_once(as_sam, sam_support):
    ticket = triaged(sam_support, severity="p1")
    answer = as_sam.post(
        f"/api/v1/tickets/{ticket.pk}/escalations/",
        context(impact="", links=["nope"], urgency="drop_everything"),
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"impact", "links", "cannot_wait_a_day", "justification"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/escalations/999/",
        "/api/v1/tickets/999/escalations/",
    ],
)
def test_unknown_escalation_or_ticket_is_404(as_sam, path):
    assert as_sam.get(path).status_code == 404


def test_bad_escalation_bodies_are_refused_by_name(as_sam, as_eve, sam_support):
    ticket = triaged(sam_support)
    url = f"/api/v1/tickets/{ticket.pk}/escalations/"
    assert "non_field_errors" in as_sam.post(url, ["x"], format="json").json()
    assert "extra" in as_sam.post(url, context(extra=1), format="json").json()
    assert "links" in as_sam.post(url, context(links="https://x.example"), format="json").json()
    bad_date = as_sam.post(url, context(customer_deadline="next week"), format="json")
    assert bad_date.status_code == 400 and "customer_deadline" in bad_date.json()
    assert "urgency" in as_sam.post(url, context(urgency="asap"), format="json").json()
    assert not Escalation.objects.exists()
    escalation = escalate(sam_support, ticket)
    patch = as_eve.patch(f"/api/v1/escalations/{escalation.pk}/", {"decision": "maybe"},
                         format="json")  # fmt: skip
    assert patch.status_code == 400 and "decision" in patch.json()
    assert Escalation.objects.get().state == "open"


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_escalation_list_api_query_count_does_not_grow_with_rows(sam_support, as_eve):
    escalate(sam_support, triaged(sam_support))
    one = _queries(lambda: as_eve.get("/api/v1/escalations/?state=open"))
    for severity in ("p0", "p2", "p1", "p0"):
        escalation = escalate(sam_support, triaged(sam_support, severity=severity))
        services.escalation_decide(
            escalation=escalation, by=UserFactory(role="engineering"), decision="ask", question="?"
        )
        services.escalation_answer(escalation=escalation, by=sam_support, answer="!")
    many = _queries(lambda: as_eve.get("/api/v1/escalations/?state=open"))
    assert len(as_eve.get("/api/v1/escalations/?state=open").json()["results"]) == 5
    assert many == one


def test_inbox_page_query_count_does_not_grow_with_rows(sam_support, eve_engineering, client):
    client.force_login(eve_engineering)
    escalate(sam_support, triaged(sam_support))
    one = _queries(lambda: client.get("/engineering/"))
    for severity in ("p0", "p2", "p1"):
        escalate(sam_support, triaged(sam_support, severity=severity))
    assert _queries(lambda: client.get("/engineering/")) == one
