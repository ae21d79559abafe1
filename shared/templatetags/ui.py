"""Small presentation helpers for the support pages: badges, countdowns, times, dates and
enumerations in one format (`when`, `day`, `minutes`, `label`, over the pure `shared.display`),
and the filters that show text people and other systems wrote (`user_text` and its kin)."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import mark_safe

from shared import display, roles
from shared.display import short_duration
from shared.text import reveal_line, reveal_text
from shared.validation import is_http_url

register = template.Library()

# A due time this close counts as near breach: the row turns amber before it turns red.
NEAR_BREACH = timedelta(minutes=30)


def due_state(
    due_at: datetime | None, now: datetime, answered: bool = False, warn_at: datetime | None = None
) -> str:
    """Say where a due time stands. Near breach is the SLA clock's 75 % point (`warn_at`, the
    instant breach warnings fire); without a running clock, the last half hour."""
    if due_at is None:
        return "none"
    if answered:
        return "met"
    if due_at <= now:
        return "breached"
    if (now >= warn_at) if warn_at else (due_at - now <= NEAR_BREACH):
        return "near"
    return "ok"


@register.simple_tag
def countdown(due_at, now, answered_at=None, warn_at=None):
    """Render a due time as a countdown with near-breach and breached styling (text, not colour)."""
    state = due_state(due_at, now, answered_at is not None, warn_at)
    if state == "none":
        return mark_safe('<span class="due due-none">no due time</span>')  # noqa: S308
    iso = due_at.isoformat()
    title = f"{display.stamp(due_at)} UTC"
    if state == "met":
        text = "answered"
    elif state == "breached":
        text = f"breached {short_duration(now - due_at)} ago"
    else:
        text = f"in {short_duration(due_at - now)}"
    answered = "true" if state == "met" else "false"
    # An f-string over escaped values, not format_html: the queue page says 50 of these, and
    # format_html's per-argument escaping was a tenth of its rows' cost (issue 14).
    iso, title, text = html.escape(iso), html.escape(title), html.escape(text)
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<time class="due due-{state}" datetime="{iso}" title="Due {title}" data-due="{iso}"'
        f' data-answered="{answered}">{text}</time>'
    )


@register.simple_tag
def age(created_at, now):
    return short_duration(now - created_at)


# --- Times, dates, durations, enumerations: one format on every page (shared.display) ---------


def _now(now):
    return now if isinstance(now, datetime) else timezone.now()


@register.filter
def when(value, now=None):
    """Show a moment as '3 Dec 14:05 · 2 h ago' in a <time> whose attribute keeps the ISO form:
    `{{ e.at|when:now }}` (without `now`, the time of rendering)."""
    if not value:
        return "—"
    if not isinstance(value, datetime):
        return day(value)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        value.isoformat(), display.stamp(value), display.when(value, _now(now)),
    )  # fmt: skip


@register.filter
def stamp(value, now=None):
    """Show a moment as '3 Dec 14:05' (no relative part), in a <time> element."""
    if not value:
        return "—"
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        value.isoformat(), display.stamp(value), display.stamp(value, _now(now)),
    )  # fmt: skip


@register.filter
def day(value, today=None):
    """Show a date as '23 Dec' with how far it is: '23 Dec · in 20 days'."""
    if not value:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    today = today if isinstance(today, date) else timezone.localdate()
    return format_html(
        '<time datetime="{}">{} · {}</time>',
        value.isoformat(), display.day(value, today), display.days_away(value, today),
    )  # fmt: skip


@register.filter
def minutes(value) -> str:
    """Show a number of minutes as a duration: `{{ 5736|minutes }}` → '3 d 23 h'."""
    return display.minutes(value)


@register.filter
def label(value, choices) -> str:
    """Show an enumeration's value by its label: `{{ row.status|label:status_choices }}`
    (`choices`: a TextChoices class or (value, label) pairs)."""
    return display.label(value, getattr(choices, "choices", choices) or ())


@register.simple_tag
def level_badge(level, kind="priority"):
    """A p0–p3 badge: the text says the level, the colour only repeats it."""
    if not level:
        return format_html('<span class="badge badge-none" title="{} not set">—</span>', kind)
    return format_html(
        '<span class="badge badge-{}" title="{} {}">{}</span>', level, kind, level, level.upper()
    )


@register.simple_tag
def user_roles(user):
    """Return the user's roles for navigation: `{% user_roles user as my_roles %}`."""
    return roles.roles_of(user)


@register.filter
def role_names(my_roles) -> str:
    """Say a user's roles in words, for the top bar: 'customer engineer'."""
    return ", ".join(sorted(roles.ROLE_LABELS.get(r, r) for r in my_roles))


@register.filter
def has_role(user, role: str) -> bool:
    return roles.has_role(user, role)


# --- Text from outside (issue 15) --------------------------------------------------------------
# Titles, names, usernames, summaries, replies: escaped as every template variable is, isolated
# from the text around them (<bdi>: right-to-left text cannot reorder a "#12 ·" next to it), and
# with what `shared.text` refuses shown as U+FFFD, so text stored before those rules cannot
# reorder or hide anything either. Use `user_plain` where markup cannot go (<title>, attributes).


@register.filter
def user_text(value) -> str:
    """Show one line someone wrote: `{{ ticket.title|user_text }}`."""
    if value is None or value == "":
        return ""
    text = reveal_line(str(value))
    # conditional_escape without its lazy-string wrapper (the queue page says 100 of these).
    text = text.__html__() if hasattr(text, "__html__") else html.escape(text)
    return mark_safe(f"<bdi>{text}</bdi>")  # noqa: S308 - escaped above


@register.filter
def user_lines(value) -> str:
    """Show text on several lines, its line breaks as <br>: `{{ e.reason|user_lines }}`."""
    if value is None or value == "":
        return ""
    lines = reveal_text(str(value)).split("\n")
    inner = mark_safe("<br>".join(conditional_escape(line) for line in lines))  # noqa: S308
    return format_html("<bdi>{}</bdi>", inner)


@register.filter
def user_paragraphs(value) -> str:
    """Show a description or reply as paragraphs, each in its own direction: as `linebreaks`."""
    if value is None or value == "":
        return ""
    html = linebreaks(reveal_text(str(value)), autoescape=True)
    # The text is escaped, so every "<p>" here is one linebreaks wrote.
    return mark_safe(html.replace("<p>", '<p dir="auto">'))  # noqa: S308


@register.filter
def user_plain(value) -> str:
    """Return one line someone wrote as plain text, for <title> and attributes (escaped there)."""
    return "" if value is None else reveal_line(str(value))


@register.filter
def user_link(value) -> str:
    """Show a link someone gave: an http(s) link opens without passing on who we are or ranking
    it (rel="noopener noreferrer nofollow"); anything else is shown as text, never as a link."""
    if not value:
        return ""
    text = str(value)
    if not is_http_url(text):
        return user_text(text)
    return format_html(
        '<a href="{}" rel="noopener noreferrer nofollow"><bdi>{}</bdi></a>', text, text
    )
