"""Small presentation helpers for the support pages: badges, countdowns, short durations, and
the filters that show text people and other systems wrote (`user_text` and its kin)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import mark_safe

from shared import roles
from shared.text import reveal_line, reveal_text
from shared.validation import is_http_url

register = template.Library()

# A due time this close counts as near breach: the row turns amber before it turns red.
NEAR_BREACH = timedelta(minutes=30)


def short_duration(delta: timedelta) -> str:
    """Say a duration the way people read a queue: '2 d 3 h', '1 h 20 min', '4 min'."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min" if mins else "under a minute"


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
    title = f"{due_at:%Y-%m-%d %H:%M} UTC"
    if state == "met":
        text = "answered"
    elif state == "breached":
        text = f"breached {short_duration(now - due_at)} ago"
    else:
        text = f"in {short_duration(due_at - now)}"
    answered = "true" if state == "met" else "false"
    return format_html(
        '<time class="due due-{}" datetime="{}" title="Due {}" data-due="{}" data-answered="{}">'
        "{}</time>",
        state, iso, title, iso, answered, text,
    )  # fmt: skip


@register.simple_tag
def age(created_at, now):
    return short_duration(now - created_at)


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
    return format_html("<bdi>{}</bdi>", reveal_line(str(value)))


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
