"""The threading rules for mail we send (issue 13, point 5), without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.mail_thread import (
    auto_reply_allowed,
    clean_id,
    id_domain,
    ids_header,
    references_chain,
    split_ids,
    subject_tagged,
)

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Exports fail", "[#12] Exports fail"),
        ("Re: Exports fail", "Re: [#12] Exports fail"),
        ("RE: Fwd: Exports fail", "RE: Fwd: [#12] Exports fail"),
        ("Re: [#12] Exports fail", "Re: [#12] Exports fail"),
        ("Re: Exports fail [#12]: a reply may take longer", "Re: Exports fail [#12]: a reply may take longer"),  # noqa: E501
        ("Re: [# 12 ] Exports", "Re: [# 12 ] Exports"),
        ("[#123] another ticket", "[#12] [#123] another ticket"),
        ("", "[#12]"),
        ("  spaced\t out  ", "[#12] spaced out"),
    ],
)  # fmt: skip
def test_the_ticket_tag_is_in_the_subject_once(subject, expected):
    assert subject_tagged(subject, 12) == expected
    assert subject_tagged(expected, 12) == expected  # a reply to our reply: still once


def test_references_are_the_parents_references_then_the_parent():
    assert references_chain("<a@x> <b@x>", "c@x") == ["a@x", "b@x", "c@x"]
    assert references_chain("", "<c@x>") == ["c@x"]
    assert references_chain("a@x b@x", "c@x") == ["a@x", "b@x", "c@x"]  # stored: spaces
    assert references_chain("<a@x> <a@x> <c@x>", "c@x") == ["a@x", "c@x"]  # once each


def test_references_are_bounded_keeping_the_root_and_the_latest():
    stored = " ".join(f"m{i}@x" for i in range(50))
    chain = references_chain(stored, "parent@x", limit=20)
    assert len(chain) == 20
    assert chain[0] == "m0@x" and chain[-1] == "parent@x" and chain[-2] == "m49@x"


@pytest.mark.parametrize(
    "bad",
    ["x\r\nBcc: victim@example.com", "a b@x", "<a@x>\nBcc: v@x", "no-at-sign", "a@x>y", "é@x", ""],
)
def test_an_id_that_could_break_a_header_is_left_out(bad):
    assert clean_id(bad) == ""
    chain = references_chain(bad, "p@x")  # a stored References value is split at spaces
    assert chain[-1] == "p@x" and all(clean_id(i) == i for i in chain)
    assert "\n" not in ids_header(chain) and "\r" not in ids_header(chain)
    assert ids_header([bad, "p@x"]) == "<p@x>"


def test_split_ids_reads_brackets_or_spaces():
    assert split_ids("<a@x>\r\n <b@x>") == ["a@x", "b@x"]
    assert split_ids("a@x b@x a@x") == ["a@x", "b@x"]


def test_one_automatic_reply_per_sender_per_hour_rfc3834():
    assert auto_reply_allowed(last_auto_reply_at=None, now=NOW)
    assert not auto_reply_allowed(last_auto_reply_at=NOW - timedelta(minutes=59), now=NOW)
    assert auto_reply_allowed(last_auto_reply_at=NOW - timedelta(hours=1), now=NOW)
    with pytest.raises(ValueError):
        auto_reply_allowed(last_auto_reply_at=None, now=NOW.replace(tzinfo=None))


def test_message_ids_use_the_support_domain():
    assert id_domain("support@Acme.Example") == "acme.example"
    assert id_domain("nonsense") == "support-triage.localhost"
