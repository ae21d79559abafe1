"""The pure parser on real-world shapes (no database): it reads what it can, never raises."""

from __future__ import annotations

import pytest

from mail.parse import derived_message_id, message_ids, one_line, parse_message
from tests.mail.helpers import CORPUS, corpus


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda p: p.stem)
def test_every_corpus_message_parses_without_raising(path):
    parsed = parse_message(path.read_bytes())
    assert parsed.message_id
    assert "\x00" not in parsed.subject + parsed.text
    assert "\n" not in parsed.subject and len(parsed.subject) <= 1000


def test_gmail_reply_headers_and_both_bodies():
    parsed = parse_message(corpus("gmail-reply"))
    assert parsed.message_id == "CAJ8k2Yq+3e0xGmail=Reply+1@mail.gmail.com"
    assert parsed.in_reply_to == "notice-1001-a@support.example.com"
    assert parsed.references == ("notice-1001-a@support.example.com",)
    assert (parsed.from_address, parsed.from_name) == ("ada.lovelace@gmail.com", "Ada Lovelace")
    assert parsed.to == ("support@example.com",)
    assert parsed.date.isoformat() == "2026-12-03T10:21:05+01:00"
    assert parsed.text.startswith("Hi,\n\nI tried the smaller date range")
    assert "gmail_quote" not in parsed.html and "style=" not in parsed.html


def test_html_only_mail_becomes_text_and_its_html_is_sanitized():
    parsed = parse_message(corpus("html-only"))
    assert parsed.subject == "Dashboard shows “error 500”"
    assert "Our dashboard shows error 500 since this morning." in parsed.text
    assert "Browser: Firefox" in parsed.text and "<" not in parsed.text
    for bad in ("<script", "onload", "onerror", "javascript:", "<style", "<img", "tracker"):
        assert bad not in parsed.html
    assert 'href="https://status.unknown-lab.example/"' in parsed.html


def test_attachments_are_read_with_their_names_and_bytes():
    parsed = parse_message(corpus("attachments"))
    names = [(a.filename, a.content_type) for a in parsed.attachments]
    assert names[:2] == [("screenshot.png", "image/png"), ("crash.log", "text/plain")]
    assert parsed.attachments[0].content.startswith(b"\x89PNG")
    assert "/" not in names[2][0]  # "../../etc/passwd" loses its path
    assert parsed.text == "The app crashes on start; the log and a screenshot are attached."


def test_a_delivery_report_names_the_message_it_reports_on():
    parsed = parse_message(corpus("bounce-dsn"))
    assert parsed.is_delivery_report
    assert parsed.bounced_message_id == "notice-1001-c@support.example.com"
    assert parsed.from_address == "mailer-daemon@mx.example.com"


def test_nested_messages_are_kept_whole_and_their_text_joins_the_body():
    parsed = parse_message(corpus("nested-rfc822"))
    assert [a.content_type for a in parsed.attachments] == ["message/rfc822"]
    assert b"Message-ID: <inner-1@initech.example>" in parsed.attachments[0].content
    assert 'What is the "overage" line on invoice 2026-11?' in parsed.text


def test_auto_reply_flags_are_read():
    ooo = parse_message(corpus("out-of-office"))
    assert (ooo.auto_submitted, ooo.x_autoreply) == ("auto-replied", True)
    assert parse_message(corpus("mailing-list")).precedence == "bulk"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("unknown-charset", "unknown charset 'x-klingon': read as UTF-8"),
        ("no-from", "no readable From address"),
        ("garbled-from", "no usable Message-ID: derived one from the message's bytes"),
    ],
)
def test_bad_input_is_read_as_well_as_it_can_be_with_the_problem_named(name, problem):
    parsed = parse_message(corpus(name))
    assert problem in parsed.problems
    assert parsed.text  # the body is still there


def test_malformed_mime_keeps_the_text_and_the_attachment():
    parsed = parse_message(corpus("malformed-mime"))
    assert "The report is attached." in parsed.text
    assert [a.filename for a in parsed.attachments] == ["report.pdf"]


def test_a_ten_thousand_character_subject_is_cut_to_one_line():
    parsed = parse_message(corpus("long-subject"))
    assert len(parsed.subject) == 1000 and parsed.subject.endswith("…")


def test_nul_bytes_are_dropped():
    parsed = parse_message(corpus("nul-bytes"))
    assert parsed.subject == "NULin the subject"
    assert "\x00" not in parsed.text


def test_the_derived_id_is_stable_and_differs_per_message():
    assert derived_message_id(b"a") == derived_message_id(b"a") != derived_message_id(b"b")
    assert parse_message(b"garbage\x00").message_id == derived_message_id(b"garbage\x00")


def test_message_ids_strip_brackets_and_ignore_junk():
    assert message_ids("<a@b> <c@d>") == ["a@b", "c@d"]
    assert message_ids("a@b") == ["a@b"]
    assert message_ids("not an id") == []
    assert one_line("a\r\n\tb\x00c") == "a bc"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x00\x00",
        b"Content-Type: multipart/mixed\r\n\r\nno boundary",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n"
        b"--x\r\nContent-Type: message/rfc822\r\n\r\n",
        b"Subject: =?utf-8?b?!!!?=\r\nFrom: <@>\r\nDate: 99 Foo 99999\r\n\r\n",
        b'Content-Type: text/plain; charset="\x00"\r\n\r\n\xff\xfe',
        b"Content-Transfer-Encoding: base64\r\n\r\n====",
    ],
)
def test_pathological_bytes_never_raise(raw):
    parse_message(raw)
