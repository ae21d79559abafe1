"""The support engineer's pages: sign-in, the queue, a ticket's actions, new tickets, accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import AccountFactory, TicketFactory, UserFactory
from triage import services
from triage import status as statuses
from triage.models import EventKind, Ticket
from triage.selectors import open_queue

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sam(sam_support):
    return client_for(sam_support)


def text(response) -> str:
    return response.content.decode()


# --- Sign-in, navigation, errors -------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in():
    answer = Client().get("/")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_sign_in_and_out_say_what_happened(sam_support):
    client = Client()
    answer = client.post("/login/", {"username": "sam", "password": "pw-for-tests"}, follow=True)
    assert "Signed in as sam." in text(answer)
    assert "Open queue" in text(answer)
    answer = client.post("/logout/", follow=True)
    assert "You are signed out." in text(answer)
    assert client.get("/").status_code == 302


def test_wrong_password_is_said_plainly(sam_support):
    answer = Client().post("/login/", {"username": "sam", "password": "nope"})
    assert "didn&#x27;t match" in text(answer) or "didn't match" in text(answer)


def test_navigation_follows_the_role(sam, eve_engineering, cara_ce):
    page = text(sam.get("/"))
    assert 'href="/tickets/new/"' in page and 'href="/accounts/"' in page
    engineering = text(client_for(eve_engineering).get("/"))
    assert 'href="/tickets/new/"' not in engineering and 'href="/accounts/"' in engineering
    ce = text(client_for(cara_ce).get("/", follow=True))  # a CE lands on their requests
    assert "My pre-sales requests" in ce and 'href="/accounts/"' not in ce


def test_forbidden_page_says_why(cara_ce):
    answer = client_for(cara_ce).get("/accounts/")
    assert answer.status_code == 403
    assert "You can't do that here" in text(answer)
    assert "Only support, leadership and engineering" in text(answer)


def test_not_found_page_says_what_happened(sam):
    answer = sam.get("/tickets/999999/")
    assert answer.status_code == 404
    assert "Nothing here" in text(answer) and "/tickets/999999/" in text(answer)


def test_ce_cannot_open_someone_elses_ticket(cara_ce):
    ticket = TicketFactory(tier="enterprise")
    assert client_for(cara_ce).get(f"/tickets/{ticket.pk}/").status_code == 404


# --- The queue -------------------------------------------------------------------------------


def test_queue_lists_open_work_in_rank_order_with_badges(sam):
    low = TicketFactory(tier="free", severity="p2", title="Free ask")
    top = TicketFactory(tier="enterprise", severity="p0", title="Enterprise down")
    page = text(sam.get("/"))
    assert page.index("Enterprise down") < page.index("Free ask")
    assert 'class="badge badge-p0" title="priority p0">P0</span>' in page
    assert f'data-ticket-id="{top.pk}"' in page and f'data-ticket-id="{low.pk}"' in page
    assert "unclaimed" in page


def test_queue_marks_pinned_tickets(sam, sam_support):
    ticket = TicketFactory(tier="free")
    services.ticket_pin(ticket=ticket, by=sam_support, reason="customer is on stage")
    page = text(sam.get("/"))
    assert 'class="pin"' in page and "customer is on stage" in page


def test_queue_due_countdown_shows_near_breach_and_breached():
    from shared.templatetags.ui import countdown

    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert "due-near" in countdown(now + timedelta(minutes=20), now)
    assert "in 20 min" in countdown(now + timedelta(minutes=20), now)
    assert "due-ok" in countdown(now + timedelta(hours=3), now)
    assert "breached 5 min ago" in countdown(now - timedelta(minutes=5), now)
    assert "answered" in countdown(now - timedelta(minutes=5), now, now)
    assert "no due time" in countdown(None, now)


def test_queue_filters_stay_in_the_url_and_positions_are_the_whole_queues(sam, sam_support):
    TicketFactory(tier="enterprise", severity="p0")
    mine = TicketFactory(tier="team", severity="p1")
    services.ticket_assign(ticket=mine, by=sam_support, assignee=sam_support)
    TicketFactory(tier="free", severity="p2")
    answer = sam.get("/?show=mine")
    rows = answer.context["rows"]
    assert [(p, t.pk) for p, t in rows] == [(2, mine.pk)]
    assert 'value="mine" selected' in text(answer)
    assert [t.pk for _, t in sam.get("/?priority=p3").context["rows"]] != []
    assert sam.get("/?show=unassigned").context["rows"][0][0] == 1


def test_queue_paginates_with_one_extra_row_and_keeps_filters(sam, settings):
    from queues import views

    for _ in range(3):
        TicketFactory(tier="team", severity="p2")
    original = views.PAGE_SIZE
    views.PAGE_SIZE = 2
    try:
        first = sam.get("/?tier=team")
        assert first.context["next_url"] == "/?tier=team&page=2"
        assert first.context["previous_url"] is None
        second = sam.get(first.context["next_url"])
        assert [p for p, _ in second.context["rows"]] == [3]
        assert second.context["next_url"] is None
        assert second.context["previous_url"] == "/?tier=team&page=1"
    finally:
        views.PAGE_SIZE = original


def test_empty_queue_says_so(sam):
    assert "The queue is empty." in text(sam.get("/"))
    assert "No open tickets match these filters." in text(sam.get("/?tier=free"))


def test_htmx_refresh_returns_only_the_rows_and_the_page_polls(sam, settings):
    settings.QUEUE_REFRESH_SECONDS = 3
    TicketFactory()
    page = text(sam.get("/?tier=enterprise"))
    assert 'hx-trigger="every 3s"' in page and 'hx-get="/?tier=enterprise"' in page
    partial = sam.get("/?tier=enterprise", HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial) and "<table" in text(partial)
    assert "HX-Request" in partial["Vary"]


def test_htmx_poll_after_sign_out_asks_the_browser_to_sign_in_again():
    answer = Client().get("/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 204 and answer["HX-Redirect"].startswith("/login/")


def test_claim_next_takes_the_number_one_unclaimed_and_opens_it(sam, sam_support):
    TicketFactory(tier="free", severity="p2")
    top = TicketFactory(tier="enterprise", severity="p1")
    answer = sam.post("/queue/claim/")
    assert answer.status_code == 302 and answer["Location"] == f"/tickets/{top.pk}/"
    top.refresh_from_db()
    assert top.assignee == sam_support and top.status == "in_progress"
    page = text(sam.get(answer["Location"]))
    assert f"You claimed #{top.pk}" in page


def test_claim_next_with_nothing_to_claim_says_so(sam):
    answer = sam.post("/queue/claim/", follow=True)
    assert "Nothing to claim" in text(answer)


def test_only_support_claims(eve_engineering):
    TicketFactory()
    assert client_for(eve_engineering).post("/queue/claim/").status_code == 403
    assert client_for(eve_engineering).get("/").status_code == 200


# --- A ticket --------------------------------------------------------------------------------


def test_ticket_page_says_why_it_is_number_n_against_the_ticket_above(sam):
    above = TicketFactory(tier="enterprise", severity="p1", title="Above")
    ticket = TicketFactory(tier="team", severity="p1", title="This one")
    page = text(sam.get(f"/tickets/{ticket.pk}/"))
    assert "Why it is number 2" in page
    assert f"#{above.pk} <bdi>Above</bdi>" in page  # titles are isolated (issue 15)
    assert "enterprise comes before team in the order of tiers" in page
    top = text(sam.get(f"/tickets/{above.pk}/"))
    assert "this is the team&#x27;s number one" in top or "this is the team's number one" in top


def test_triage_form_uses_presales_wording_and_preselects_the_suggestion(sam):
    ticket = TicketFactory(tier="presales", severity="p1")
    page = text(sam.get(f"/tickets/{ticket.pk}/"))
    assert "(pre-sales criteria)" in page
    assert "Core features are unavailable or the service as a whole is slow" in page
    assert 'name="severity" value="p3"' not in page
    form = sam.get(f"/tickets/{ticket.pk}/").context["triage_form"]
    assert form.initial == {"severity": "p1", "priority": "p1"}


def test_priority_override_without_reason_shows_inline_error_and_saves_nothing(sam):
    ticket = TicketFactory(tier="free")
    answer = sam.post(f"/tickets/{ticket.pk}/triage/", {"severity": "p2", "priority": "p1"})
    assert answer.status_code == 400
    assert 'id="reason-error"' in text(answer) and "Say why" in text(answer)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.severity) == ("new", "p3", "")


def test_priority_override_with_reason_is_saved_with_its_reason(sam):
    ticket = TicketFactory(tier="free")
    answer = sam.post(
        f"/tickets/{ticket.pk}/triage/",
        {"severity": "p2", "priority": "p1", "reason": "blocks a conference demo"},
        follow=True,
    )
    assert "Triaged: severity p2, priority p1." in text(answer)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("triaged", "p1")
    assert ticket.events.filter(kind="priority", reason="blocks a conference demo").exists()


def test_status_buttons_follow_the_state_machine(sam):
    ticket = TicketFactory()
    page = text(sam.get(f"/tickets/{ticket.pk}/"))
    for allowed in statuses.TRANSITIONS["new"]:
        assert f'name="status" value="{allowed}"' in page
    assert 'name="status" value="escalated"' not in page  # new → escalated is not a transition
    answer = sam.post(f"/tickets/{ticket.pk}/status/", {"status": "escalated"}, follow=True)
    assert "can&#x27;t go from new to escalated" in text(answer)
    sam.post(f"/tickets/{ticket.pk}/status/", {"status": "resolved"})
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert "Reopen" in text(sam.get(f"/tickets/{ticket.pk}/"))


def test_status_row_offers_the_escalation_form_not_an_escalate_button(sam, sam_support):
    """R8: the Status row never marks a ticket escalated; it opens the escalation form."""
    ticket = services.ticket_triage(
        ticket=TicketFactory(tier="enterprise"), by=sam_support, severity="p1", priority="p1"
    )
    page = text(sam.get(f"/tickets/{ticket.pk}/"))
    assert 'name="status" value="escalated"' not in page
    assert f'href="/engineering/tickets/{ticket.pk}/escalate/"' in page
    answer = sam.post(f"/tickets/{ticket.pk}/status/", {"status": "escalated"}, follow=True)
    assert f"POST /api/v1/tickets/{ticket.pk}/escalations/" in text(answer)
    ticket.refresh_from_db()
    assert ticket.status == "triaged"


def test_assign_to_me_to_someone_and_unassign(sam, sam_support, sofia_support):
    ticket = TicketFactory()
    sam.post(f"/tickets/{ticket.pk}/assign/", {"to": "me"})
    ticket.refresh_from_db()
    assert ticket.assignee == sam_support
    sam.post(f"/tickets/{ticket.pk}/assign/", {"assignee": sofia_support.pk, "reason": "EMEA"})
    ticket.refresh_from_db()
    assert ticket.assignee == sofia_support
    answer = sam.post(f"/tickets/{ticket.pk}/assign/", {"assignee": ""}, follow=True)
    assert "Assigned to nobody." in text(answer)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    kinds = list(ticket.events.filter(kind="assignee").values_list("to_value", flat=True))
    assert kinds == ["sam", "sofia", ""]


def test_pin_needs_a_reason_and_unpin_restores_order(sam):
    ticket = TicketFactory(tier="free")
    answer = sam.post(f"/tickets/{ticket.pk}/pin/", {"pin-reason": "  "})
    assert answer.status_code == 400 and 'id="pin-error"' in text(answer)
    sam.post(f"/tickets/{ticket.pk}/pin/", {"pin-reason": "outage at a launch"})
    ticket.refresh_from_db()
    assert ticket.pinned and ticket.pin_reason == "outage at a launch"
    sam.post(f"/tickets/{ticket.pk}/unpin/", {"pin-reason": "launch is over"})
    ticket.refresh_from_db()
    assert not ticket.pinned


def test_summing_up_reply_records_first_response_once(sam, sam_support):
    ticket = TicketFactory()
    sam.post(f"/tickets/{ticket.pk}/reply/", {"body": "We're on it.", "public": "1"})
    ticket.refresh_from_db()
    assert ticket.first_response_at is None  # an acknowledgement does not stop the clock
    answer = sam.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "We checked the logs; next, restart.", "public": "1", "first_response": "on"},
        follow=True,
    )
    assert "First response recorded." in text(answer)
    ticket.refresh_from_db()
    first = ticket.first_response_at
    assert first is not None
    sam.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Update.", "public": "1", "first_response": "on"},
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at == first
    assert ticket.events.filter(kind=EventKind.FIRST_RESPONSE).count() == 1
    assert ticket.events.filter(kind=EventKind.REPLY).count() == 3


def test_internal_note_is_not_a_reply_and_empty_text_is_refused(sam):
    ticket = TicketFactory()
    sam.post(f"/tickets/{ticket.pk}/reply/", {"body": "Looks like a DNS issue", "public": "0"})
    assert ticket.events.filter(kind=EventKind.NOTE, body="Looks like a DNS issue").exists()
    answer = sam.post(f"/tickets/{ticket.pk}/reply/", {"body": "", "public": "1"})
    assert answer.status_code == 400 and 'id="body-error"' in text(answer)
    answer = sam.post(
        f"/tickets/{ticket.pk}/reply/", {"body": "x", "public": "0", "first_response": "on"}
    )
    assert answer.status_code == 400
    assert "Only a public reply" in text(answer)


def test_timeline_shows_who_when_and_why(sam, sam_support):
    ticket = TicketFactory(tier="free")
    services.ticket_pin(ticket=ticket, by=sam_support, reason="big launch")
    page = text(sam.get(f"/tickets/{ticket.pk}/"))
    assert "Why: <bdi>big launch</bdi>" in page and "<strong><bdi>sam</bdi></strong>" in page
    assert "Pinned" in page


def test_ce_sees_own_presales_ticket_without_support_actions(cara_ce):
    account = AccountFactory(tier="presales")
    ticket = services.ticket_create(
        title="Trial blocked", source="presales", account=account, severity="p1", by=cara_ce,
        requester=cara_ce,
    )  # fmt: skip
    # Her own pre-sales ticket opens on her request page, even without a request row.
    page = text(client_for(cara_ce).get(f"/tickets/{ticket.pk}/", follow=True))
    assert "Trial blocked" in page and 'id="triage-form"' not in page and "Claim next" not in page


# --- API: replies ----------------------------------------------------------------------------


def test_reply_api_records_first_response_and_is_support_only(as_sam, as_eve, as_cara):
    ticket = TicketFactory()
    url = f"/api/v1/tickets/{ticket.pk}/replies/"
    body = {"body": "Troubleshooting summary and next steps.", "first_response": True}
    assert as_eve.post(url, body, format="json").status_code == 403
    assert as_cara.post(url, body, format="json").status_code == 403
    answer = as_sam.post(url, body, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["kind"] == "reply" and answer.json()["actor"] == "sam"
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert as_sam.post(url, {"body": ""}, format="json").status_code == 400
    assert as_sam.post(url, {"body": "x", "bogus": 1}, format="json").status_code == 400


def test_reply_api_is_in_the_schema(anon):
    schema = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/tickets/{id}/replies/" in schema


def test_ticket_reply_service_takes_now_and_sets_first_response_once(sam_support):
    ticket = TicketFactory()
    at = timezone.now()
    services.ticket_reply(
        ticket=ticket, by=sam_support, body="Summary", public=True, first_response=True, now=at
    )
    services.ticket_reply(
        ticket=ticket,
        by=sam_support,
        body="Again",
        public=True,
        first_response=True,
        now=at + timedelta(hours=1),
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at == at


# --- New ticket and accounts -----------------------------------------------------------------


def test_new_ticket_account_search_works_without_javascript(sam):
    AccountFactory(name="Acme Corp")
    AccountFactory(name="Globex")
    answer = sam.get("/tickets/new/?account_q=acm&title=Login+broken&find=1")
    page = text(answer)
    assert "Acme Corp" in page and "Globex" not in page
    assert 'value="Login broken"' in page


def test_new_ticket_account_search_with_htmx_returns_choices_only(sam):
    AccountFactory(name="Acme Corp")
    answer = sam.get("/tickets/new/?account_q=acme", HTTP_HX_REQUEST="true")
    assert "<html" not in text(answer) and "Acme Corp" in text(answer)
    assert "No account matches" in text(sam.get("/tickets/new/?account_q=zz", HTTP_HX_REQUEST="1"))


def test_new_ticket_is_filed_and_opens(sam):
    account = AccountFactory(name="Acme Corp", tier="enterprise")
    answer = sam.post(
        "/tickets/new/",
        {"title": "Outage", "source": "customer", "account": account.pk, "severity": "p0"},
    )
    ticket = Ticket.objects.get(title="Outage")
    assert answer["Location"] == f"/tickets/{ticket.pk}/"
    assert (ticket.priority, ticket.created_by.username) == ("p0", "sam")


def test_new_ticket_errors_are_inline_and_nothing_is_saved(sam):
    answer = sam.post("/tickets/new/", {"title": "", "source": "customer"})
    assert answer.status_code == 400 and "This field is required." in text(answer)
    answer = sam.post("/tickets/new/", {"title": "No account", "source": "customer"})
    assert answer.status_code == 400 and "needs an account" in text(answer)
    assert not Ticket.objects.exists()


def test_engineering_cannot_file_tickets(eve_engineering):
    assert client_for(eve_engineering).get("/tickets/new/").status_code == 403


def test_accounts_list_and_account_page_in_rank_order(sam):
    account = AccountFactory(name="Acme Corp", tier="team")
    other = AccountFactory(name="Globex")
    later = TicketFactory(account=account, tier="team", severity="p2", title="Slow export")
    first = TicketFactory(account=account, tier="team", severity="p0", title="Down")
    TicketFactory(account=other, tier="enterprise", severity="p0")
    listing = sam.get("/accounts/?q=acme")
    assert [a.name for a in listing.context["accounts"]] == ["Acme Corp"]
    assert listing.context["accounts"][0].open_tickets == 2
    page = sam.get(f"/accounts/{account.pk}/")
    assert [t.pk for _, t in page.context["rows"]] == [first.pk, later.pk]
    assert [p for p, _ in page.context["rows"]] == [2, 3]


def test_queue_selector_and_page_agree_on_order(sam):
    for tier in ("free", "presales", "team", "enterprise"):
        TicketFactory(tier=tier, severity="p1")
    page_ids = [t.pk for _, t in sam.get("/").context["rows"]]
    assert page_ids == [t.pk for t in open_queue()]


def test_leadership_can_pin_but_not_triage(lee_leadership):
    ticket = TicketFactory()
    lee = client_for(lee_leadership)
    page = text(lee.get(f"/tickets/{ticket.pk}/"))
    assert 'id="triage-form"' not in page and "Pin above the order" in page
    assert lee.post(f"/tickets/{ticket.pk}/triage/", {"severity": "p1"}).status_code == 403
    lee.post(f"/tickets/{ticket.pk}/pin/", {"pin-reason": "board escalation"})
    ticket.refresh_from_db()
    assert ticket.pinned


def test_unknown_user_role_gets_a_clear_403():
    nobody = UserFactory(username="nobody")
    answer = client_for(nobody).get("/")
    assert answer.status_code == 403


def test_new_ticket_find_button_searches_and_keeps_what_was_typed(sam):
    AccountFactory(name="Acme Corp")
    answer = sam.post("/tickets/new/", {"account_q": "acme", "title": "Login broken", "find": "1"})
    assert answer.status_code == 200 and not Ticket.objects.exists()
    assert "Acme Corp" in text(answer) and 'value="Login broken"' in text(answer)


def test_queue_row_is_near_breach_from_the_sla_clocks_75_percent_point(sam_support):
    # Enterprise p1: 4 business hours. At 3 h 05 the clock passed 75 % (3 h) but the due
    # time is still 55 minutes away: the row says near breach, as the warning does.
    import time_machine

    filed = datetime(2026, 11, 19, 17, 0, tzinfo=UTC)  # a Thursday, inside the 24×5 calendar
    TicketFactory(tier="enterprise", severity="p1", now=filed)
    with time_machine.travel(filed + timedelta(hours=3, minutes=5), tick=False):
        page = text(client_for(sam_support).get("/"))
    assert "due-near" in page and "in 55 min" in page


def test_support_sets_an_accounts_contact_email_for_notices(client, sam_support, eve_engineering):
    from triage.models import Account

    account = AccountFactory(tier="enterprise")
    client.force_login(sam_support)
    saved = client.post(
        f"/accounts/{account.pk}/", {"contact_email": " ops@acme.example "}, follow=True
    )
    assert "Contact e-mail saved." in saved.content.decode()
    assert Account.objects.get(pk=account.pk).contact_email == "ops@acme.example"

    bad = client.post(f"/accounts/{account.pk}/", {"contact_email": "not an address"})
    assert bad.status_code == 400
    assert 'aria-invalid="true"' in bad.content.decode() and "valid email" in bad.content.decode()
    assert Account.objects.get(pk=account.pk).contact_email == "ops@acme.example"

    client.force_login(eve_engineering)  # engineering reads the account, does not edit it
    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert 'name="contact_email"' not in page and "ops@acme.example" in page
