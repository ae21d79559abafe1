"""IMAP polling against the real Dovecot: unseen mail in, flagged only after its row committed."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mail.services import intake
from mail.services.fetch import ImapMailbox, imap_url_parse, mail_fetch, mailbox_fetch
from tests.mail import imap
from triage.models import Message, Ticket


def test_imap_urls_parse_user_password_and_folder_url_decoded():
    box = imap_url_parse("imaps://support%40acme.io:p%3As%2Fw%40rd@mail.acme.io/Support%2FInbound")
    assert (box.user, box.password, box.host) == ("support@acme.io", "p:s/w@rd", "mail.acme.io")
    assert (box.port, box.tls, box.folder) == (993, True, "Support/Inbound")
    plain = imap_url_parse("imap://u:p@127.0.0.1:10143")
    assert (plain.port, plain.tls, plain.folder) == (10143, False, "INBOX")
    assert imap_url_parse("imap://u:p@h").port == 143
    assert "p:s/w@rd" not in repr(box) and "p:s/w@rd" not in box.label


@pytest.mark.parametrize(
    "url", ["pop3://u:p@h/INBOX", "imaps://mail.acme.io/INBOX", "mail.acme.io"]
)
def test_a_url_that_names_no_imap_mailbox_is_refused(url):
    with pytest.raises(ValueError):
        imap_url_parse(url)


def test_unseen_mail_becomes_rows_and_is_flagged_seen_once_received(db, imap_box):
    imap.deliver(imap_box, [imap.rfc5322(n) for n in range(5)])
    assert imap.counts(imap_box) == (5, 5)

    [result] = mail_fetch([imap_box], batch=2)  # batches of 2, 2 and 1

    assert (result.fetched, result.created, result.duplicates, result.error) == (5, 5, 0, "")
    assert result.tickets == 5
    assert Message.objects.filter(source="imap", kind="opened").count() == 5
    assert Ticket.objects.filter(channel="email").count() == 5
    assert imap.counts(imap_box) == (5, 0)  # all kept on the server, all seen
    again = mailbox_fetch(imap_box)
    assert (again.fetched, again.created) == (0, 0)


def test_a_message_stored_before_a_crash_is_fetched_again_and_is_a_duplicate(db, imap_box):
    first, second = imap.rfc5322(1), imap.rfc5322(2)
    imap.deliver(imap_box, [first, second])
    # The last run committed the first message's row and died before flagging it.
    intake.receive(first, source="imap")

    result = mailbox_fetch(imap_box)

    assert (result.fetched, result.created, result.duplicates) == (2, 1, 1)
    assert Message.objects.count() == 2
    assert imap.counts(imap_box) == (2, 0)


def test_a_mailbox_that_fails_does_not_stop_the_others(db, imap_box, caplog):
    imap.deliver(imap_box, [imap.rfc5322(1)])
    wrong_password = replace(imap_box, password="not-the-password")
    nobody_listens = ImapMailbox(host="127.0.0.1", port=9, user="u", password="p", tls=False)

    with caplog.at_level(logging.WARNING, logger="mail.services.fetch"):
        refused, closed, good = mail_fetch([wrong_password, nobody_listens, good_box := imap_box])

    assert refused.error and refused.fetched == 0
    assert closed.error.startswith("ConnectionRefusedError")
    assert (good.mailbox, good.fetched, good.created) == (good_box.label, 1, 1)
    failures = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert len(failures) == 2 and all("\n" not in line for line in failures)
    assert "not-the-password" not in caplog.text


def test_a_message_the_pipeline_cannot_take_stays_unseen_for_the_next_run(db, imap_box):
    messages = [imap.rfc5322(n) for n in range(3)]
    imap.deliver(imap_box, messages)

    def receive_but_not_the_second(raw, *, source):
        if raw.replace(b"\r\n", b"\n") == messages[1].replace(b"\r\n", b"\n"):
            raise RuntimeError("database went away")
        return intake.receive(raw, source=source)

    result = mailbox_fetch(imap_box, receive=receive_but_not_the_second)

    assert (result.fetched, result.created, result.failed) == (3, 2, 1)
    assert imap.counts(imap_box) == (3, 1)
    later = mailbox_fetch(imap_box)  # the pipeline is back
    assert (later.fetched, later.created) == (1, 1)
    assert imap.counts(imap_box) == (3, 0) and Message.objects.count() == 3


def test_fetch_mail_reads_inbound_imap_urls_and_prints_a_summary(db, imap_box, settings, capsys):
    imap.deliver(imap_box, [imap.rfc5322(n) for n in range(3)])
    settings.INBOUND_IMAP_URLS = [_url(imap_box)]

    call_command("fetch_mail")

    out = capsys.readouterr().out
    assert f"{imap_box.label}: fetched 3, created 3" in out
    assert "Total: fetched 3, created 3, duplicates 0" in out
    assert imap_box.password not in out


def test_fetch_mail_fails_when_a_mailbox_cannot_be_read(db, imap_box, capsys):
    with pytest.raises(CommandError):
        call_command("fetch_mail", url=[_url(replace(imap_box, password="wrong"))])
    assert "ERROR" in capsys.readouterr().out


def test_without_mailboxes_the_periodic_task_does_nothing(db, settings, imap_box):
    from mail import tasks

    imap.deliver(imap_box, [imap.rfc5322(1)])
    settings.INBOUND_IMAP_URLS = []
    assert tasks.fetch_mail.delay().get() == {"skipped": "no mailboxes"}
    assert imap.counts(imap_box) == (1, 1)


def test_the_periodic_task_fetches_every_minute_and_skips_while_a_run_holds_the_lock(
    db, settings, imap_box, redis_url
):
    import redis

    from mail import tasks

    assert settings.CELERY_BEAT_SCHEDULE["mail-fetch"] == {
        "task": "mail.tasks.fetch_mail",
        "schedule": 60.0,
    }
    imap.deliver(imap_box, [imap.rfc5322(1)])
    settings.INBOUND_IMAP_URLS = [_url(imap_box)]
    settings.REDIS_URL = redis_url
    held = redis.Redis.from_url(redis_url).lock(tasks.LOCK_KEY, timeout=30)
    assert held.acquire(blocking=False)
    try:
        assert tasks.fetch_mail.delay().get() == {"skipped": "running"}
        assert imap.counts(imap_box) == (1, 1)
    finally:
        held.release()

    assert tasks.fetch_mail.delay().get() == {imap_box.label: {"fetched": 1, "created": 1}}
    assert imap.counts(imap_box) == (1, 0)


def _url(box: ImapMailbox) -> str:
    return f"imap://{box.user}:{box.password}@{box.host}:{box.port}/{box.folder}"
