"""Checks that more than one kind of request shares: text fields, links and search text.

Forms (`shared.forms`), serializers (`shared.api`) and services call the same functions, so a
page, the API, a mail channel and an import refuse or clean text the same way. The character
rules themselves are pure, in `shared.text` (docs/text.md has the table).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from shared import text as rules

# Column sizes of the one-line fields (titles, summaries, names) and the multi-line ones.
LINE_MAX = 200
TEXT_MAX = 20_000
REASON_MAX = 2_000  # why a change was made, a decision's note

_http_url = URLValidator(schemes=["http", "https"])


def clean_line(value: str | None, *, max_length: int = LINE_MAX) -> str:
    """Return a one-line field's text trimmed, or raise ValidationError saying what to fix."""
    value = (value or "").strip()
    if problem := rules.line_problem(value, max_length=max_length):
        raise ValidationError(problem, code="line")
    return value


def clean_text(value: str | None, *, max_length: int | None = TEXT_MAX) -> str:
    """Return a multi-line field's text scrubbed (shared.text.scrub_text) and trimmed, or raise
    ValidationError when it is too long."""
    value = rules.scrub_text(value or "").strip()
    if problem := rules.text_problem(value, max_length=max_length):
        raise ValidationError(problem, code="text")
    return value


def clean_fields(
    lines: dict[str, tuple[str | None, int]],
    texts: dict[str, tuple[str | None, int]] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Clean several fields at once for a service: (field → clean text, field → problem).

    `lines` and `texts` map each field name to (value, max length); every problem is reported,
    so a form or a 400 shows them all in one round trip.
    """
    cleaned, problems = {}, {}
    for kinds, clean in ((lines, clean_line), (texts or {}, clean_text)):
        for name, (value, max_length) in kinds.items():
            try:
                cleaned[name] = clean(value, max_length=max_length)
            except ValidationError as error:
                problems[name] = error.messages[0]
    return cleaned, problems


def split_links(links: Iterable[str]) -> tuple[list[str], list[str]]:
    """Return (the links stripped, blanks dropped; those among them that are not http(s) URLs,
    as a message may quote them).

    A link whose text holds a control, text-direction or invisible character counts as not a
    URL: "https://example.com/\u202egnp.exe" would show as another file name.
    """
    cleaned = [link.strip() for link in links if link and link.strip()]
    bad = []
    for link in cleaned:
        try:
            _http_url(link)
        except ValidationError:
            bad.append(rules.reveal_line(link))  # shown in a message: nothing hidden in it
            continue
        if rules.line_problem(link):
            bad.append(rules.reveal_line(link))
    return cleaned, bad


def is_http_url(value: str) -> bool:
    """Return whether a stored link may be shown as a link (http or https, nothing hidden)."""
    return not split_links([value])[1] if value and value.strip() == value else False


def search_text(raw: str) -> str:
    """Return typed search text fit for a text lookup: trimmed, without NUL characters (no name
    holds one, and PostgreSQL refuses them in a comparison: a 500 otherwise)."""
    return raw.replace("\x00", "").strip()
