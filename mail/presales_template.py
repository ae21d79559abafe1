"""The labelled template a CE fills in to mail a pre-sales request (R9, issue 13; pure).

A CE writes "Label: value" lines; a value runs on over the following lines until the next label
or a blank line.
Labels are matched without regard to case, and each has a few spellings a person might use.
docs/mail.md shows the template; `manage.py mail_presales_template` mails it to the CEs.
"""

from __future__ import annotations

import re

# Field → the labels that fill it (the first is the one the template shows).
LABELS: dict[str, tuple[str, ...]] = {
    "prospect": ("Prospect", "Account", "Company", "Customer"),
    "summary": ("Summary", "Issue"),
    "attempted_and_expected": (
        "Attempted and expected",
        "What they attempted",
        "Attempted",
        "Expected",
        "Expected result",
    ),
    "steps_taken": ("Steps taken", "Steps already taken", "Steps"),
    "impact": ("Impact",),
    "impact_scope": ("Impact scope", "Scope"),
    "design_doc_links": ("Design docs", "Design documents", "Links"),
    "sales_context": ("Sales stage", "Sales cycle", "Sales context", "Stage"),
    "key_dates": ("Key dates", "Deadline", "Deadlines", "Dates"),
}
# What each field asks for, shown in the template and in the reply naming what is missing.
HINTS: dict[str, str] = {
    "prospect": "the prospect's company name",
    "summary": "one line: what is wrong (the mail's subject is used when left out)",
    "attempted_and_expected": "what the prospect attempted, and the result they expected",
    "steps_taken": "the steps already taken to resolve it (or “none”)",
    "impact": "who is blocked and how badly",
    "impact_scope": "optional: blocking_all, select_users or other",
    "design_doc_links": "optional: links to technical design documents, one per line",
    "sales_context": "where in the sales cycle the prospect is",
    "key_dates": "optional: key dates, e.g. “decision 2026-12-15”",
}
_LABEL_TO_FIELD = {label.lower(): field for field, labels in LABELS.items() for label in labels}
_LINE_RE = re.compile(
    r"^\s*[*_]*(?P<label>"
    + "|".join(sorted((re.escape(label) for label in _LABEL_TO_FIELD), key=len, reverse=True))
    + r")[*_]*\s*[:：]\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_NONE = {"none", "n/a", "na", "-", "—"}


def template_text() -> str:
    """Return the template a CE copies into a mail to support."""
    return "\n".join(f"{labels[0]}: <{HINTS[field]}>" for field, labels in LABELS.items()) + "\n"


def parse_template(text: str) -> dict[str, str]:
    """Return field → value for each label found (the first time each field appears).

    A placeholder left as in the template ("<...>") counts as not filled in. Links keep one per
    line; other values are stripped.
    """
    values: dict[str, list[str]] = {}
    current: str | None = None
    for line in (text or "").splitlines():
        if line.lstrip().startswith(">") or not line.strip():
            current = None  # a blank line ends a value; quoted history is not the request
            continue
        match = _LINE_RE.match(line)
        if match:
            field = _LABEL_TO_FIELD[match.group("label").lower()]
            current = field if field not in values else None
            if current:
                values[current] = [match.group("value")]
            continue
        if current is not None:
            values[current].append(line)
    found = {}
    for field, lines in values.items():
        value = "\n".join(lines).strip()
        if value.startswith("<") and value.endswith(">"):
            continue  # the template's hint, unchanged
        found[field] = value
    return found


def links(value: str) -> list[str]:
    """Return the links in a "Design docs" value (none when it says none)."""
    if value.strip().lower() in _NONE:
        return []
    return [w for w in re.split(r"[\s,]+", value) if w]
