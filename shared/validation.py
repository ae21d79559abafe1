"""Checks that more than one kind of request shares."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_http_url = URLValidator(schemes=["http", "https"])


def split_links(links: Iterable[str]) -> tuple[list[str], list[str]]:
    """Return (the links stripped, blanks dropped; those among them that are not http(s) URLs)."""
    cleaned = [link.strip() for link in links if link and link.strip()]
    bad = []
    for link in cleaned:
        try:
            _http_url(link)
        except ValidationError:
            bad.append(link)
    return cleaned, bad


def search_text(raw: str) -> str:
    """Return typed search text fit for a text lookup: trimmed, without NUL characters (no name
    holds one, and PostgreSQL refuses them in a comparison: a 500 otherwise)."""
    return raw.replace("\x00", "").strip()
