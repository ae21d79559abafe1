"""What text from people and other systems may hold (issue 15). Pure code: no Django.

Two kinds of field, decided at input (docs/text.md has the table):

- **One line** (ticket titles, pre-sales and escalation summaries, account names, channel
  names, key-date labels, usernames): visible text on one line. A line break, tab, control
  character, text-direction control, invisible character or a flood of combining marks is
  refused with a message that names it (`line_problem`), because a person can fix what they
  typed; leading and trailing spaces are trimmed.
- **Several lines** (descriptions, replies, notes, reasons, the pre-sales and escalation
  context): `scrub_text` keeps line breaks (CRLF and CR become LF) and tabs, and silently drops
  what spoofs or breaks a page: other control characters, text-direction overrides and
  isolates, invisible characters, combining marks past the fourth on one letter.

Channels that cannot ask a sender to retype (mail subjects, imports, outbound headers) use
`scrub_line`: it turns line breaks and tabs into spaces and drops the rest, so its result always
passes `line_problem`. `reveal_line` is for showing text stored before these rules: what they
refuse is shown as U+FFFD instead of acting on the page.

Emoji stay whole: a zero-width joiner or non-joiner between two visible characters (emoji
sequences, Persian and Indic scripts) and the tag characters of a subdivision flag are kept.
"""

from __future__ import annotations

import re
import unicodedata

# Combining marks on one letter: Vietnamese needs two, Thai three; "Zalgo" text uses dozens,
# which spill over the lines above and below.
MAX_MARKS = 4
# Tag characters after a black flag spell a subdivision flag (at most 6 letters and a cancel).
MAX_TAGS = 7

LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Embeddings, overrides and isolates reorder the text around them: "invoice\u202egnp.exe"
# shows as "invoiceexe.png".
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Marks only steer neutral characters; right-to-left text needs them in long text.
DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
JOINERS = frozenset("\u200c\u200d")
# Letters that draw nothing (Hangul fillers, the braille blank): names made of them look empty.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
BLACK_FLAG = "\U0001f3f4"
REPLACEMENT = "\ufffd"


def _is_tag(ch: str) -> bool:
    return 0xE0020 <= ord(ch) <= 0xE007F


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Mc", "Me")


def _is_noncharacter(ch: str) -> bool:
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _visible(ch: str) -> bool:
    """Return whether a character draws something a joiner can join (not space, not a control)."""
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _code(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def _problem_at(text: str, i: int, *, multiline: bool, marks: int, tags: int) -> str:
    """Return what is wrong with text[i] in this kind of field ("" when it may stay)."""
    ch = text[i]
    category = unicodedata.category(ch)
    if ch in LINE_BREAKS:
        return "" if multiline and ch == "\n" else "a line break"
    if ch == "\t":
        return "" if multiline else "a tab"
    if category == "Cc":
        return f"a control character ({_code(ch)})"
    if category == "Cs" or _is_noncharacter(ch):
        return f"a code point that is not a character ({_code(ch)})"
    if ch in DIRECTION_CONTROLS or (ch in DIRECTION_MARKS and not multiline):
        return f"a text-direction control ({_code(ch)})"
    if ch in JOINERS:
        joins = 0 < i < len(text) - 1 and _visible(text[i - 1]) and _visible(text[i + 1])
        return "" if joins else f"an invisible character ({_code(ch)})"
    if _is_tag(ch):
        after_flag = i > 0 and (text[i - 1] == BLACK_FLAG or _is_tag(text[i - 1]))
        return "" if after_flag and tags < MAX_TAGS else f"an invisible character ({_code(ch)})"
    if category == "Cf" and ch not in DIRECTION_MARKS:
        return f"an invisible character ({_code(ch)})"
    if ch in BLANK_LETTERS:
        return f"an invisible character ({_code(ch)})"
    if _is_mark(ch) and marks >= MAX_MARKS:
        return f"more than {MAX_MARKS} accents or marks on one letter"
    return ""


# Printable ASCII and spaces are always fine: only the other characters are looked at, so
# plain text (most of it) costs one regular-expression scan.
_CANDIDATES = re.compile(r"[^\x20-\x7e]")
_CANDIDATES_MULTILINE = re.compile(r"[^\x20-\x7e\n\t]")  # line breaks and tabs may stay
# Categories that are never a problem (letters, numbers, punctuation, symbols); space
# separators (Zs) too, but not line or paragraph separators (Zl, Zp).
_PLAIN = frozenset("LNPS")


def _problems(text: str, *, multiline: bool):
    """Yield (index, problem) for every character the field may not hold."""
    marks = tags = 0
    last = -2
    for match in (_CANDIDATES_MULTILINE if multiline else _CANDIDATES).finditer(text):
        i, ch = match.start(), match.group()
        if i != last + 1:
            marks = tags = 0  # a printable ASCII character ended the run
        last = i
        if unicodedata.category(ch)[0] in _PLAIN and ch not in BLANK_LETTERS:
            marks = tags = 0  # letters, digits, punctuation, symbols, spaces: the usual case
            continue
        problem = _problem_at(text, i, multiline=multiline, marks=marks, tags=tags)
        marks = marks + 1 if _is_mark(ch) else 0
        tags = tags + 1 if _is_tag(ch) else 0
        if problem:
            yield i, problem


def line_problem(text: str, *, max_length: int | None = None) -> str:
    """Return why `text` cannot be one line of a field ("" when it can), naming the first fault.

    `text` is what the field keeps: trim it first.
    """
    if max_length is not None and len(text) > max_length:
        return f"Keep this to {max_length:,} characters (it has {len(text):,})."
    for i, problem in _problems(text, multiline=False):
        if problem.startswith("more than"):
            return f"Use at most {MAX_MARKS} accents or marks on one letter (character {i + 1})."
        return f"Keep this to one line of visible text: it contains {problem} at character {i + 1}."
    return ""


def text_problem(text: str, *, max_length: int | None = None) -> str:
    """Return why `text` cannot be kept in a multi-line field as it is ("" when it can)."""
    if max_length is not None and len(text) > max_length:
        return f"Keep this to {max_length:,} characters (it has {len(text):,})."
    for i, problem in _problems(text, multiline=True):
        return f"This contains {problem} at character {i + 1}."
    return ""


def _drop_faults(text: str, *, multiline: bool) -> str:
    bad = {i for i, _ in _problems(text, multiline=multiline)}
    return "".join(ch for i, ch in enumerate(text) if i not in bad) if bad else text


def _stable(text: str, *, multiline: bool) -> str:
    # Dropping a character can leave a joiner at an edge or next to a space: repeat until
    # nothing changes (each round drops at least one character, so it ends).
    while True:
        cleaner = _drop_faults(text, multiline=multiline)
        if cleaner == text:
            return text
        text = cleaner


_BREAKS = re.compile("[" + "".join(sorted(LINE_BREAKS - {"\n"})) + "]")


def _newlines(text: str) -> str:
    if not _BREAKS.search(text):
        return text
    return _BREAKS.sub("\n", text.replace("\r\n", "\n"))


def scrub_text(text: str) -> str:
    """Return multi-line text with LF line breaks and without what spoofs or breaks a page."""
    return _stable(_newlines(text), multiline=True)


_SPACES = re.compile("[\t" + "".join(sorted(LINE_BREAKS)) + "]")


def scrub_line(text: str, max_length: int | None = None) -> str:
    """Return one line of visible text made from any text: line breaks and tabs become one
    space, what a line may not hold is dropped, spaces are trimmed; past `max_length`
    characters the line is cut with an ellipsis. The result always passes `line_problem`."""
    spaced = _SPACES.sub(" ", text)
    line = _stable(re.sub(" {2,}", " ", spaced), multiline=False).strip()
    line = _stable(re.sub(" {2,}", " ", line), multiline=False).strip()
    if max_length is not None and len(line) > max_length:
        line = _stable(line[: max_length - 1].rstrip(), multiline=False).rstrip() + "…"
    return line


def reveal_line(text: str) -> str:
    """Return stored text fit to show on one line: line breaks and tabs as spaces, and each run
    of characters a line may not hold as one U+FFFD, so they can neither reorder nor hide what
    is shown."""
    return _reveal(_SPACES.sub(" ", text), multiline=False)


def reveal_text(text: str) -> str:
    """Return stored multi-line text fit to show: like `reveal_line`, line breaks kept."""
    return _reveal(_newlines(text), multiline=True)


def _reveal(text: str, *, multiline: bool) -> str:
    bad = {i for i, _ in _problems(text, multiline=multiline)}
    if not bad:
        return text
    # A run of faults (a flood of marks, a string of invisible characters) shows as one.
    return "".join(
        REPLACEMENT if i in bad else ch
        for i, ch in enumerate(text)
        if not (i in bad and i - 1 in bad)
    )
