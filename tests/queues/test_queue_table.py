"""The queue page's rows, rendered in Python (`queue_tbody`), say what the template said."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from tests.factories import TicketFactory, UserFactory
from triage import services
from triage.selectors import queue_page

pytestmark = pytest.mark.django_db

# The rows as the template engine rendered them before issue 14, kept as the reference.
TEMPLATE_ROWS = """{% load ui %}
  {% for position, t in rows %}
    <tr data-ticket-id="{{ t.pk }}" data-url="{{ t.get_absolute_url }}" class="{% if t.pinned %}pinned{% endif %}">
      <td class="num">{{ position }}</td>
      <td class="title">
        <a href="{{ t.get_absolute_url }}" class="ticket-link">#{{ t.pk }} {{ t.title }}</a>
        {% if t.pinned %}<span class="pin" title="Pinned by {{ t.pinned_by.username|default:'someone' }}: {{ t.pin_reason }}">Pinned</span>{% endif %}
      </td>
      <td>{% level_badge t.priority "priority" %}</td>
      <td>{% level_badge t.severity "severity" %}</td>
      <td class="tier">{{ t.get_tier_display }}</td>
      <td class="account">{% if t.account %}<a href="{{ t.account.get_absolute_url }}">{{ t.account.name }}</a>{% else %}<span class="muted">internal</span>{% endif %}</td>
      <td class="nowrap">{% age t.created_at now %}</td>
      <td class="nowrap">{% countdown t.due_at now t.first_response_at t.sla_warn_at %}</td>
      <td class="nowrap">{{ t.get_status_display }}</td>
      <td>{% if t.assignee %}{% if t.assignee == user %}<strong>you</strong>{% else %}{{ t.assignee.username }}{% endif %}{% else %}<span class="muted">unclaimed</span>{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_python_rows_match_the_template_rows_for_every_kind_of_row(sam_support):
    other = UserFactory(username="olga", role="support")
    now = timezone.now()
    titles = ['Login <script>alert("x")</script> & co', "Plain", "It's 'quoted'"]
    for i, tier in enumerate(["enterprise", "team", "free", "internal", "presales", "open_source"]):
        ticket = TicketFactory(tier=tier, severity=("p0", "p1", "p2", "")[i % 4])
        ticket.title = titles[i % 3]
        ticket.save(update_fields=["title"])
        if i == 1:
            services.ticket_assign(ticket=ticket, by=sam_support, assignee=sam_support)
        if i == 2:
            services.ticket_assign(ticket=ticket, by=sam_support, assignee=other)
        if i in (3, 4):
            services.ticket_pin(ticket=ticket, by=other, reason='customer <b>"CEO"</b> waiting')
        if i == 5:
            services.ticket_reply(
                ticket=ticket,
                by=sam_support,
                body="Steps and next steps.",
                public=True,
                first_response=True,
            )
    page = queue_page(limit=50, sla_clock=True)
    assert len(page.rows) == 6
    context = {"rows": page.rows, "now": now + timedelta(minutes=90), "user": sam_support}
    reference = Template(TEMPLATE_ROWS).render(Context(context))
    python = Template("{% load queue_table %}{% queue_tbody rows now %}").render(Context(context))
    assert _squeeze(python) == _squeeze(reference)
    assert "&lt;script&gt;" in python and "<strong>you</strong>" in python
    assert "Pinned by olga" in python and "olga</td>" in python
