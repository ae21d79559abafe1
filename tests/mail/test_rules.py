"""The pure mail rules: threading, new text, loops, the CE template (no database)."""

from __future__ import annotations

from dataclasses import replace

from mail import loops, presales_template, threading
from mail.parse import parse_message
from tests.mail.helpers import corpus

OWN = ["support@example.com"]


def test_thread_ids_put_in_reply_to_first_then_the_newest_reference():
    ids = threading.thread_ids(in_reply_to="c", references=("a", "b", "c"))
    assert ids == ["c", "b", "a"]


def test_subject_tag_is_the_fallback_key():
    assert threading.subject_ticket_id("RE: [#1001] Exports") == 1001
    assert threading.subject_ticket_id("Re: [#1] fwd [#22]") == 22
    assert threading.subject_ticket_id("no tag #12 [12]") is None
    assert threading.subject_ticket_id("Re: [# 17 ] as Outlook spaces it") == 17


def test_new_text_drops_gmail_outlook_and_apple_quotes():
    for name, kept, dropped in [
        ("gmail-reply", "The full year still times out", "Could you try exporting"),
        ("outlook-reply", "You can close this one.", "Could you clear the export cache"),
        ("apple-mail-reply", "stops at 80 %", "which month fails"),
    ]:
        text = threading.new_text(parse_message(corpus(name)).text)
        assert kept in text and dropped not in text, name


def test_new_text_keeps_everything_when_nothing_new_can_be_found():
    assert threading.new_text("> only a quote") == "> only a quote"


def test_a_person_writing_is_not_automated():
    assert loops.automated_reason(parse_message(corpus("gmail-reply")), own_addresses=OWN) == ""


def test_automated_mail_is_recognised_with_its_reason():
    cases = {
        "out-of-office": "Auto-Submitted: auto-replied",
        "mailing-list": "Precedence: bulk",
        "bounce-dsn": "a delivery status report",
    }
    for name, reason in cases.items():
        assert loops.automated_reason(parse_message(corpus(name)), own_addresses=OWN) == reason


def test_auto_submitted_no_is_a_person_and_robots_and_ourselves_are_not():
    person = parse_message(corpus("gmail-reply"))
    assert loops.automated_reason(replace(person, auto_submitted="no"), own_addresses=OWN) == ""
    daemon = replace(person, from_address="MAILER-DAEMON@mx.example".lower())
    assert loops.automated_reason(daemon, own_addresses=OWN) == "sent by mailer-daemon"
    postmaster = replace(person, from_address="postmaster@mx.example")
    assert loops.automated_reason(postmaster, own_addresses=OWN) == "sent by postmaster"
    ours = replace(person, from_address="support@example.com")
    assert loops.automated_reason(ours, own_addresses=OWN) == "sent from our own support address"
    assert loops.automated_reason(replace(person, x_autoreply=True), own_addresses=OWN)
    assert loops.automated_reason(replace(person, precedence="junk"), own_addresses=OWN)


def test_the_ce_template_reads_labelled_lines():
    values = presales_template.parse_template(parse_message(corpus("ce-presales")).text)
    assert values["prospect"] == "Globex"
    assert values["summary"] == "SSO login loops back to the sign-in page"
    assert values["impact_scope"] == "blocking_all"
    assert values["key_dates"] == "decision 2026-12-15"
    assert presales_template.links(values["design_doc_links"]) == [
        "https://docs.globex.example/sso-design"
    ]
    assert values["sales_context"] == "Technical evaluation, week 2 of 4"


def test_the_template_itself_fills_nothing_and_deadline_means_key_dates():
    assert presales_template.parse_template(presales_template.template_text()) == {}
    text = "deadline: Friday\nIMPACT: all users\n  since Monday\n> Summary: quoted"
    assert presales_template.parse_template(text) == {
        "key_dates": "Friday",
        "impact": "all users\n  since Monday",
    }
    assert presales_template.links("none") == []
