"""Issue 15, point 2: text in a title, an account name or a channel name never adds a header or
breaks a message; the message still goes out, to its recipients and nobody else.

Titles are one line from now on (shared.text), but rows filed before (and text from other
systems) may still hold a line break: each test writes such a row directly, as it may be stored.
Django refuses a header with a line break (BadHeaderError: nothing is sent) and passes other
control characters into the header; every place that sends mail makes the text one line first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from escalations.notify import escalation_decision_send
from escalations.services import escalation_decide
from presales import notify as presales_notify
from presales import services as presales
from queues import services as queues
from queues.models import LoadEpisode, Notice, NoticeStatus
from tests.factories import AccountFactory, TicketFactory, UserFactory, escalate
from tests.hostile import (
    CORPUS,
    CRLF_BCC,
    SmtpSink,
    assert_mail_inert,
    parse_message,
    storable,
)
from triage import services as triage
from triage.models import Account, Ticket

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
HEADER_BREAKERS = ["crlf_bcc", "lf_bcc", "vt_ff_bcc", "unicode_line_separators", "c0_c1_controls",
                   "encoded_word", "bidi_override", "ten_thousand"]  # fmt: skip


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _stored(obj, **fields):
    """Write text as it may already be stored (before the input rules, or by another system)."""
    sizes = {f.name: f.max_length for f in type(obj)._meta.fields}
    fields = {
        name: storable(value, sizes.get(name)) if isinstance(value, str) else value
        for name, value in fields.items()
    }
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    obj.refresh_from_db()
    return obj


def _raw(message) -> bytes:
    return message.message().as_bytes()


def _notice_for(ticket: Ticket) -> Notice:
    episode = LoadEpisode.objects.create(started_at=NOW, level=5, state="backed_up", peak_level=5)
    queues.notices_decide(
        episode=episode, now=NOW, arrival_at=NOW + timedelta(hours=4), ticket_ids=[ticket.pk]
    )
    return Notice.objects.get(ticket=ticket, episode=episode)


@pytest.mark.parametrize("name", HEADER_BREAKERS)
def test_a_notice_goes_to_its_customer_and_nobody_else_whatever_the_title_holds(db, name):
    ticket = TicketFactory(tier="enterprise")
    _stored(ticket.account, contact_email="ops@customer.example", name="Customer\r\nCc: x@y.z")
    ticket = _stored(ticket, title=CORPUS[name])
    notice = _notice_for(ticket)
    result = queues.notices_deliver(ids=[notice.pk], now=NOW)
    assert (result.sent, result.failed) == (1, 0), Notice.objects.get(pk=notice.pk).last_error
    [sent] = mail.outbox
    assert sent.recipients() == ["ops@customer.example"]
    message = assert_mail_inert(_raw(sent), to=["ops@customer.example"])
    assert f"[#{ticket.pk}]" in str(message["subject"])  # the tag the mail channel threads on
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.SENT


def test_the_issues_title_becomes_part_of_the_subject_not_a_header(db):
    ticket = TicketFactory(tier="enterprise")
    _stored(ticket.account, contact_email="ops@customer.example")
    ticket = _stored(ticket, title=CRLF_BCC)
    queues.notices_deliver(ids=[_notice_for(ticket).pk], now=NOW)
    message = parse_message(_raw(mail.outbox[0]))
    assert message["bcc"] is None and message["cc"] is None
    assert str(message["subject"]).startswith("Re: x Bcc: victim@example.com [#")


def test_a_long_non_ascii_subject_is_encoded_and_folded(db):
    title = ("Überweisung schlägt fehl, Zahlungen hängen — " * 4).strip()
    ticket = TicketFactory(tier="enterprise", title=title)
    _stored(ticket.account, contact_email="ops@customer.example")
    queues.notices_deliver(ids=[_notice_for(ticket).pk], now=NOW)
    raw = _raw(mail.outbox[0])
    head = raw.split(b"\n\n", 1)[0]
    assert head.isascii() and b"=?utf-8?" in head  # RFC 2047 encoded words, not raw UTF-8
    subject_lines = head.split(b"Subject:", 1)[1].split(b"\nFrom:")[0].split(b"\n")
    assert len(subject_lines) > 2, "the subject is folded over several lines"
    message = assert_mail_inert(raw, to=["ops@customer.example"])
    short = title[:79].rstrip() + "…"  # the title is shortened in a notice's subject
    # (Django's encoder starts the folded value on the next line; readers drop that space.)
    expected = f"Re: {short} [#{ticket.pk}]: a reply may take longer than usual"
    assert str(message["subject"]).strip() == expected


def test_an_escalation_decision_reaches_support_whatever_the_title_holds(db, eve_engineering):
    sam = UserFactory(username="sam", role="support", email="sam@support.example")
    ticket = TicketFactory(tier="enterprise", severity="p1")
    triage.ticket_triage(ticket=ticket, by=sam, severity="p1", priority="p1")
    triage.ticket_assign(ticket=ticket, by=sam, assignee=sam)
    escalation = escalate(ticket, by=sam)
    _stored(Ticket.objects.get(pk=ticket.pk), title=CRLF_BCC)
    escalation_decide(escalation=escalation, by=eve_engineering, decision="ask", question="Logs?")
    decision = escalation.decisions.get()
    assert escalation_decision_send(decision.pk) is True
    [sent] = mail.outbox
    message = assert_mail_inert(_raw(sent), to=["sam@support.example"])
    assert "x Bcc: victim@example.com" in str(message["subject"])


@pytest.fixture
def leadership_with_mail(db):
    return UserFactory(username="lee", role="leadership", email="lee@leaders.example")


def test_exception_mails_reach_leadership_and_the_ce_whatever_the_account_is_named(
    leadership_with_mail,
):
    cara = UserFactory(username="cara", role="ce", email="cara@sales.example")
    prospect = AccountFactory(tier="presales", name="Prospect")
    exception = presales.exception_request(
        by=cara, kind="other", account=prospect, reason="Trial", ends_on=date(2099, 1, 1)
    )
    _stored(Account.objects.get(pk=prospect.pk), name=CRLF_BCC)
    assert presales_notify.exception_notify_request(exception_id=exception.pk) is True
    assert_mail_inert(_raw(mail.outbox[0]), to=["lee@leaders.example"])
    presales.exception_decide(exception=exception, by=leadership_with_mail, approve=True, note="ok")
    assert presales_notify.exception_notify_decision(exception_id=exception.pk) is True
    assert_mail_inert(_raw(mail.outbox[1]), to=["cara@sales.example", "lee@leaders.example"])


def test_a_channel_reminder_reaches_its_engineer_whatever_the_channel_is_named(db):
    sam = UserFactory(username="sam", role="support", email="sam@support.example")
    ticket = TicketFactory(tier="presales")
    engagement = presales.channel_join(ticket=ticket, by=sam, channel="#trial", now=NOW)
    _stored(
        engagement, channel="#trial\r\nBcc: victim@example.com", joined_at=NOW - timedelta(days=2)
    )
    assert presales_notify.channel_reminders_send(now=NOW) == 1
    [sent] = mail.outbox
    message = assert_mail_inert(_raw(sent), to=["sam@support.example"])
    assert (
        str(message["subject"]) == "[Support Triage] Time to leave #trial Bcc: victim@example.com"
    )


def test_an_sla_warning_reaches_the_assignee_whatever_the_title_holds(
    db, django_capture_on_commit_callbacks
):
    sam = UserFactory(username="sam", role="support", email="sam@support.example")
    ticket = TicketFactory(tier="enterprise", severity="p1", now=NOW - timedelta(hours=6))
    triage.ticket_assign(ticket=ticket, by=sam, assignee=sam, now=NOW - timedelta(hours=6))
    _stored(Ticket.objects.get(pk=ticket.pk), title=CRLF_BCC + "\x07")
    with django_capture_on_commit_callbacks(execute=True):
        assert queues.sla_warnings_send(now=NOW) >= 1
    assert mail.outbox
    for sent in mail.outbox:
        assert_mail_inert(_raw(sent), to=["sam@support.example"])
        assert "\x07" not in sent.body


def test_one_real_smtp_round_trip_delivers_to_the_customer_only(db, settings):
    """Through a real SMTP server: the envelope (RCPT TO) and the message as received."""
    ticket = TicketFactory(tier="enterprise")
    _stored(ticket.account, contact_email="ops@customer.example")
    ticket = _stored(ticket, title=CRLF_BCC)
    notice = _notice_for(ticket)
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        result = queues.notices_deliver(ids=[notice.pk], now=NOW)
    assert (result.sent, result.failed) == (1, 0), Notice.objects.get(pk=notice.pk).last_error
    [(envelope, raw)] = sink.received
    message = assert_mail_inert(raw, to=["ops@customer.example"], envelope=envelope)
    assert "victim@example.com" in str(message["subject"])  # text in the subject, nothing more


@pytest.mark.parametrize(
    "display_name",
    [CRLF_BCC, 'Evil, "Corp" <victim@example.com>', "Ünïcödé Støre\u202e", "a" * 500, "=cmd"],
)
def test_a_display_name_never_adds_a_recipient_or_a_header(display_name):
    from shared.mail import mail_address, mail_message

    to = mail_address("ops@customer.example", display_name)
    message = mail_message(subject="Hello", body="Body", to=[to], from_email="s@support.example")
    parsed = assert_mail_inert(_raw(message), to=["ops@customer.example"])
    assert len(parsed["to"].addresses) == 1


@pytest.mark.parametrize(
    "address", ["a@b.example, victim@example.com", "a@b.example\r\nBcc: victim@example.com",
                "not an address", 'x <a@b.example> <victim@example.com>'],
)  # fmt: skip
def test_a_recipient_must_be_exactly_one_address(address):
    from shared.mail import mail_message

    with pytest.raises(ValueError):
        mail_message(subject="s", body="b", to=[address])
