"""`{{ e|event_change }}`: what a timeline line changed, in words ("New → In progress").

Events store what changed as the API writes it (`new` → `in_progress`, "presales · presales · p2"
when filed); the page says it with the enumerations' labels (shared.display.words).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from shared import display
from shared.templatetags.ui import user_text
from triage.models import EventKind, Source, Status, Tier

register = template.Library()

STATUS_LABELS = {value: str(label) for value, label in Status.choices}
# A "created" line says "source · tier · priority": the first part is a source, the second a tier.
CREATED_PARTS = (
    {value: str(label) for value, label in Source.choices},
    {value: str(label) for value, label in Tier.choices},
)


def change_words(kind: str, value: str) -> str:
    """Return one side of an event's change in words."""
    if not value:
        return ""
    if kind == EventKind.STATUS:
        return display.words(value, STATUS_LABELS)
    if kind == EventKind.CREATED:
        parts = value.split(" · ")
        said = [
            display.words(part, CREATED_PARTS[i] if i < len(CREATED_PARTS) else None)
            for i, part in enumerate(parts)
        ]
        if len(parts) == 3:
            return f"{said[0]} work, {said[1]} tier, priority {said[2]}"
        return " · ".join(said)
    return display.words(value)


@register.filter
def event_change(event) -> str:
    """Show what a timeline event changed: "New → In progress"; only the new value if none
    was before ("filed as …")."""
    before = change_words(event.kind, event.from_value)
    after = change_words(event.kind, event.to_value)
    if not before and not after:
        return ""
    if not before:
        return format_html("{}", user_text(after))
    return format_html("{} → {}", user_text(before), user_text(after) or "—")
