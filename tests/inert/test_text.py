"""The text rules (shared.text): pure, no database. What a one-line and a multi-line field hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import text as rules
from shared.validation import clean_line, clean_text, split_links
from tests.hostile import CORPUS

REFUSED_IN_A_LINE = {
    "crlf_bcc": "a line break at character 2",
    "lf_bcc": "a line break at character 2",
    "vt_ff_bcc": "a line break at character 2",
    "unicode_line_separators": "a line break at character 2",
    "tab_inside": "a tab at character 2",
    "bidi_override": "U+202E RIGHT-TO-LEFT OVERRIDE) at character 8",
    "bidi_isolates": "U+2067 RIGHT-TO-LEFT ISOLATE) at character 1",
    "zero_width": "U+200B ZERO WIDTH SPACE) at character 4",
    "hangul_filler": "U+3164 HANGUL FILLER",
    "nul": "a control character (U+0000) at character 4",
    "c0_c1_controls": "a control character (U+0007) at character 5",
    "combining_flood": "Use at most 4 accents or marks on one letter (character 6)",
}


@pytest.mark.parametrize("name", sorted(REFUSED_IN_A_LINE))
def test_a_title_refuses_controls_direction_and_invisible_characters(name):
    text = CORPUS.get(name, "x\ty")
    problem = rules.line_problem(text.strip())
    assert REFUSED_IN_A_LINE[name] in problem


@pytest.mark.parametrize(
    "name",
    ["formula_hyperlink", "formula_account", "html_script", "sql", "emoji_astral",
     "right_to_left", "quotes", "encoded_word", "template_syntax"],
)  # fmt: skip
def test_a_title_keeps_visible_text_of_any_script_and_emoji_sequences(name):
    assert rules.line_problem(CORPUS[name]) == ""


def test_a_title_has_a_length_limit_named_in_the_message():
    assert rules.line_problem("A" * 10_000, max_length=200) == (
        "Keep this to 200 characters (it has 10,000)."
    )


def test_joiners_stay_only_between_visible_characters():
    assert rules.line_problem("می\u200cخواهم") == ""  # Persian: a non-joiner inside a word
    assert rules.line_problem("👩\u200d💻") == ""
    for lone in ("\u200dx", "x\u200d", "x \u200dy", "x\u200d\u200dy"):
        assert "invisible character" in rules.line_problem(lone), repr(lone)


def test_multi_line_text_keeps_line_breaks_and_drops_what_spoofs():
    raw = "Steps:\r\n1. open\r2. click\u202e\u200b\x07\tdone\u2028" + "e" + "\u0301" * 9
    assert rules.scrub_text(raw) == "Steps:\n1. open\n2. click\tdone\n" + "e" + "\u0301" * 4
    assert rules.scrub_text("שלום\u200f עולם") == "שלום\u200f עולם"  # a direction mark may stay


def test_scrub_line_makes_any_header_text_one_line():
    assert rules.scrub_line("x\r\nBcc: victim@example.com") == "x Bcc: victim@example.com"
    assert rules.scrub_line("A" * 300, 80) == "A" * 79 + "…"


def test_reveal_shows_what_stored_text_hides_instead_of_acting_on_it():
    assert rules.reveal_line("invoice\u202egnp.exe") == "invoice\ufffdgnp.exe"
    assert rules.reveal_line("Z" + "\u0336" * 9) == "Z" + "\u0336" * 4 + "\ufffd"
    assert rules.reveal_text("a\r\nb\u200bc") == "a\nb\ufffdc"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_scrubbed_text_always_passes_and_scrubbing_twice_changes_nothing(text):
    line = rules.scrub_line(text, 60)
    assert rules.line_problem(line, max_length=60) == ""
    assert rules.scrub_line(line, 60) == line
    kept = rules.scrub_text(text)
    assert rules.text_problem(kept) == ""
    assert rules.scrub_text(kept) == kept


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_a_line_the_rules_accept_is_kept_exactly(text):
    text = text.strip()
    if rules.line_problem(text) == "":
        assert clean_line(text) == text
        assert rules.reveal_line(text) == text


def test_clean_line_and_clean_text_are_what_forms_api_and_services_call():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="line break"):
        clean_line("x\r\nBcc: victim@example.com")
    assert clean_line("  Exports time out  ") == "Exports time out"
    assert clean_text("  one\r\ntwo\u202e  ") == "one\ntwo"
    with pytest.raises(ValidationError, match="Keep this to 5 characters"):
        clean_text("abcdef", max_length=5)


def test_a_link_with_a_direction_or_invisible_character_is_not_a_link():
    _, bad = split_links(
        ["https://example.com/\u202egnp.exe", "https://exa\u200bmple.com/", "https://ok.example/"]
    )
    assert bad == ["https://example.com/\ufffdgnp.exe", "https://exa\ufffdmple.com/"]


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JAVASCRIPT://%0aalert(1)", "data:text/html,<script>",
             "vbscript:msgbox", "ftp://files.example.com/x", "//evil.example/x", "http://"],
)  # fmt: skip
def test_only_http_and_https_links_are_accepted(link):
    assert split_links([link])[1], link
