"""Issue 15, point 3: titles, names and usernames are one line of visible text, decided at input.

A direction override, a zero-width or other invisible character, a control character or a
flood of combining marks in a title, an account or channel name, a summary or a username is
refused with a 400 naming the field (API), a form error (pages) or an error (commands), and
nothing is half-saved. Multi-line text keeps its line breaks and loses the rest. Pages isolate
what people wrote (<bdi>), so right-to-left text cannot reorder what stands beside it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from presales.models import PresalesRequest
from tests.factories import AccountFactory, TicketFactory
from triage import services as triage
from triage.models import Account, Ticket

pytestmark = pytest.mark.django_db

SPOOFS = {
    "override": "invoice\u202egnp.exe",
    "isolate": "\u2067admin\u2069",
    "zero_width": "adm\u200bin",
    "word_joiner": "ad\u2060min",
    "bom": "\ufeffadmin",
    "hangul_filler": "\u3164",
    "control": "bell\x07ring",
    "escape": "red\x1b[31m",
    "c1_control": "next\x85line",
    "line_break": "x\r\nBcc: victim@example.com",
    "combining_flood": "Z" + "\u0336" * 30,
}


@pytest.mark.parametrize("kind", sorted(SPOOFS))
def test_a_ticket_title_that_spoofs_is_refused_with_a_field_message(as_sam, kind):
    answer = as_sam.post(
        "/api/v1/tickets/", {"title": SPOOFS[kind], "source": "internal"}, format="json"
    )
    assert answer.status_code == 400
    assert list(answer.json()) == ["title"] and answer.json()["title"][0]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("kind", ["override", "zero_width", "hangul_filler", "combining_flood"])
def test_an_account_name_that_spoofs_is_refused(as_sam, kind):
    body = {"name": f"Acme {SPOOFS[kind]}", "tier": "enterprise", "deployment": "cloud"}
    answer = as_sam.post("/api/v1/accounts/", body, format="json")
    assert answer.status_code == 400 and "name" in answer.json()
    assert not Account.objects.exists()


def test_the_message_names_the_character_and_where_it_is(as_sam):
    answer = as_sam.post(
        "/api/v1/tickets/", {"title": "invoice\u202egnp.exe", "source": "internal"}, format="json"
    )
    assert answer.json()["title"] == [
        "Keep this to one line of visible text: it contains a text-direction control "
        "(U+202E RIGHT-TO-LEFT OVERRIDE) at character 8."
    ]


def test_a_summary_or_channel_that_spoofs_is_refused(as_sam, as_cara, sam_support):
    prospect = AccountFactory(tier="presales")
    body = {"account": prospect.pk, "summary": SPOOFS["override"], "attempted_and_expected": "a",
            "steps_taken": "b", "impact": "c", "sales_context": "d",
            "design_doc_links": []}  # fmt: skip
    answer = as_cara.post("/api/v1/presales/requests/", body, format="json")
    assert answer.status_code == 400 and "summary" in answer.json()
    ticket = TicketFactory(tier="presales", account=prospect)
    answer = as_sam.post(
        "/api/v1/presales/channels/",
        {"ticket": ticket.pk, "channel": "#trial\u200b"},
        format="json",
    )
    assert answer.status_code == 400 and "channel" in answer.json()


def test_the_ticket_form_shows_the_error_and_saves_nothing(sam_support):
    browser = Client()
    browser.force_login(sam_support)
    answer = browser.post(
        "/tickets/new/", {"title": "Exports\u202e fail", "source": "internal", "severity": ""}
    )
    assert answer.status_code == 400
    assert "text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE)" in answer.content.decode()
    assert not Ticket.objects.exists()


def test_a_new_prospect_with_an_invisible_name_saves_neither_account_nor_request(cara_ce):
    browser = Client()
    browser.force_login(cara_ce)
    answer = browser.post("/presales/new/", {
        "account": "", "new_account_name": "\u3164", "new_account_deployment": "cloud",
        "summary": "Helm fails", "attempted_and_expected": "a", "steps_taken": "b",
        "impact_scope": "blocking_all", "impact": "c", "sales_context": "d",
        "design_doc_links": "", "key_dates-TOTAL_FORMS": "0", "key_dates-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert answer.status_code == 400
    assert "U+3164 HANGUL FILLER" in answer.content.decode()
    assert not Account.objects.exists() and not PresalesRequest.objects.exists()


def test_services_are_the_last_line_for_mail_commands_and_imports(sam_support):
    for title in (SPOOFS["line_break"], SPOOFS["override"], "A" * 10_000):
        with pytest.raises(ValidationError) as caught:
            triage.ticket_create(title=title, source="internal", account=None, by=sam_support)
        assert "title" in caught.value.message_dict
    with pytest.raises(ValidationError):
        triage.ticket_bulk_create(
            rows=[{"title": "ok", "source": "internal", "created_at": timezone.now()},
                  {"title": SPOOFS["zero_width"], "source": "internal",
                   "created_at": timezone.now()}],
            by=sam_support, book=None,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        triage.account_create(name=SPOOFS["isolate"], tier="free", deployment="cloud")
    assert not Ticket.objects.exists() and not Account.objects.exists()


def test_multi_line_text_keeps_its_lines_and_loses_what_spoofs(as_sam):
    body = {"title": "Exports", "source": "internal",
            "description": "Steps:\r\n1. open \u202eexport\u202c\r\n2. wait\x07\u200b"}  # fmt: skip
    answer = as_sam.post("/api/v1/tickets/", body, format="json")
    assert answer.status_code == 201
    assert answer.json()["description"] == "Steps:\n1. open export\n2. wait"
    assert Ticket.objects.get().description == "Steps:\n1. open export\n2. wait"


@pytest.mark.parametrize("name", ["sam\u202e", "s\u200bam", "\u3164", "sam\r\nroot", "s am"])
def test_add_user_refuses_a_username_that_spoofs(name):
    with pytest.raises(CommandError):
        call_command("add_user", name, "--role", "support")
    from django.contrib.auth.models import User

    assert not User.objects.filter(username=name).exists()


def test_add_user_still_takes_ordinary_names():
    from django.contrib.auth.models import User

    call_command("add_user", "zoe.oneil", "--role", "support")
    call_command("add_user", "renée", "--role", "ce")
    assert set(User.objects.values_list("username", flat=True)) == {"zoe.oneil", "renée"}


def test_pages_isolate_right_to_left_names_and_reveal_stored_overrides(client, sam_support):
    ticket = TicketFactory(tier="enterprise", title="Exports fail")
    Account.objects.filter(pk=ticket.account_id).update(name="شركة الاختبار")
    Ticket.objects.filter(pk=ticket.pk).update(title="invoice\u202egnp.exe")  # stored before
    client.force_login(sam_support)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"<h1>#{ticket.pk} <bdi>invoice\ufffdgnp.exe</bdi></h1>" in html
    assert "<bdi>شركة الاختبار</bdi>" in html
    assert "\u202e" not in html
    queue = client.get("/").content.decode()
    assert f"#{ticket.pk} <bdi>invoice\ufffdgnp.exe</bdi></a>" in queue
