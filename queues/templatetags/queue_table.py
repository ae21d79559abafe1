"""`{% queue_tbody rows now %}`: the queue page's 50 rows, rendered in Python (issue 14).

The rows are the queue page's hot loop: through the template engine, ten cells of fifty rows
cost about 15 ms of CPU a render (two `reverse()` calls, two choice lookups and three tags per
row), three times the rest of the page. Here each row is one f-string over escaped values,
with the same markup as the template had; `tests/queues/test_queue_table.py` pins it.
"""

from __future__ import annotations

from functools import cache
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from shared.templatetags.ui import age, countdown, level_badge, user_plain, user_text
from triage.models import Status, Tier

register = template.Library()

_SENTINEL = 2_147_483_647  # an id no row has: its URL is split into the text around an id
TIER_LABELS = {value: str(label) for value, label in Tier.choices}
STATUS_LABELS = {value: str(label) for value, label in Status.choices}


def _url_parts(name: str) -> tuple[str, str]:
    prefix, _, suffix = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return prefix, suffix


@cache
def _badge(level: str, kind: str) -> str:
    """A level badge is one of a handful of strings: build each once per process."""
    return str(level_badge(level, kind))


def _get_display(labels: dict[str, str], value: str) -> str:
    return escape(labels.get(value, value))


# Work waiting on the customer ranks after all work that waits on us (R4): its own band.
WAITING_BAND = (
    "  </tbody>\n"
    '  <tbody class="band-waiting">\n'
    '    <tr class="band"><th scope="rowgroup" colspan="10">Waiting on the customer '
    '<span class="muted">· ranked after all work that waits on us; claim next skips them until '
    "the customer answers</span></th></tr>\n"
)


def _due(t, now) -> str:
    """The due time that ranks the ticket: its first response, then its next update; for work
    waiting on the customer, how long it has waited (its clocks are paused)."""
    warn = getattr(t, "sla_warn_at", None)
    if t.waits_on_customer:
        since = getattr(t, "waiting_since", None)
        if since is None:
            return '<span class="due due-waiting">waiting on the customer</span>'
        title = f"On the customer since {since:%Y-%m-%d %H:%M} UTC; the clock is paused"
        return (
            f'<span class="due due-waiting" title="{escape(title)}">'
            f"waiting {escape(age(since, now))}</span>"
        )
    if t.first_response_at:
        return (
            '<span class="due-what">next update</span> '
            f"{countdown(t.next_update_due_at, now, None, warn)}"
        )
    return str(countdown(t.due_at, now, None, warn))


@register.simple_tag(takes_context=True)
def queue_tbody(context, rows, now) -> str:
    """Render the queue's rows (place, ticket) as `<tr>` elements, escaped as the template
    engine escapes; the tickets carry `account_name`, `assignee_username` and
    `pinned_by_username` (triage.selectors.queue_page with `sla_clock`)."""
    user = context.get("user")
    user_id = getattr(user, "pk", None)
    ticket_url, ticket_end = _url_parts("ticket-detail")
    account_url, account_end = _url_parts("account-detail")
    out = []
    banded = False
    for position, t in rows:
        if t.waits_on_customer and not banded:
            out.append(WAITING_BAND)
            banded = True
        url = f"{ticket_url}{t.pk}{ticket_end}"
        pin = ""
        if t.pinned_at is not None:
            by = escape(user_plain(t.pinned_by_username) if t.pinned_by_id else "someone")
            reason = escape(user_plain(t.pin_reason))
            pin = f'\n        <span class="pin" title="Pinned by {by}: {reason}">Pinned</span>'

        if t.account_id:
            name = user_text(t.account_name)
            account = f'<a href="{account_url}{t.account_id}{account_end}">{name}</a>'
        else:
            account = '<span class="muted">internal</span>'
        if not t.assignee_id:
            assignee = '<span class="muted">unclaimed</span>'
        elif t.assignee_id == user_id:
            assignee = "<strong>you</strong>"
        else:
            assignee = user_text(t.assignee_username)
        due = _due(t, now)
        out.append(
            f'    <tr data-ticket-id="{t.pk}" data-url="{url}"'
            f' class="{"pinned" if t.pinned_at is not None else ""}">\n'
            f'      <td class="num">{position}</td>\n'
            f'      <td class="title">\n'
            f'        <a href="{url}" class="ticket-link">#{t.pk} {user_text(t.title)}</a>{pin}\n'
            f"      </td>\n"
            f"      <td>{_badge(t.priority, 'priority')}</td>\n"
            f"      <td>{_badge(t.severity, 'severity')}</td>\n"
            f'      <td class="tier">{_get_display(TIER_LABELS, t.tier)}</td>\n'
            f'      <td class="account">{account}</td>\n'
            f'      <td class="nowrap">{escape(age(t.created_at, now))}</td>\n'
            f'      <td class="nowrap">{due}</td>\n'
            f"      <td>{_get_display(STATUS_LABELS, t.status)}</td>\n"
            f"      <td>{assignee}</td>\n"
            f"    </tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
