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

# The rows as the template engine rendered them before issue 14 (with the waiting band, the due
# time that ranks each row and user text isolated, issues 12 and 15), kept as the reference.
TEMPLATE_ROWS = """{% load ui %}
  {% for position, t in rows %}
    {% if t.waits_on_customer %}{% ifchanged t.waits_on_customer %}
  </tbody>
  <tbody class="band-waiting">
    <tr class="band"><th scope="rowgroup" colspan="10">Waiting on the customer <span class="muted">· ranked after all work that waits on us; claim next skips them until the customer answers</span></th></tr>
    {% endifchanged %}{% endif %}
    <tr data-ticket-id="{{ t.pk }}" data-url="{{ t.get_absolute_url }}" class="{% if t.pinned %}pinned{% endif %}">
      <td class="num">{{ position }}</td>
      <td class="title">
        <a href="{{ t.get_absolute_url }}" class="ticket-link">#{{ t.pk }} {{ t.title|user_text }}</a>
        {% if t.pinned %}<span class="pin" title="Pinned by {{ t.pinned_by.username|user_plain|default:'someone' }}: {{ t.pin_reason|user_plain }}">Pinned</span>{% endif %}
      </td>
      <td>{% level_badge t.priority "priority" %}</td>
      <td>{% level_badge t.severity "severity" %}</td>
      <td class="tier">{{ t.get_tier_display }}</td>
      <td class="account">{% if t.account %}<a href="{{ t.account.get_absolute_url }}">{{ t.account.name|user_text }}</a>{% else %}<span class="muted">internal</span>{% endif %}</td>
      <td class="nowrap">{% age t.created_at now %}</td>
      <td class="nowrap">{% if t.waits_on_customer %}<span class="due due-waiting"{% if t.waiting_since %} title="On the customer since {{ t.waiting_since|date:'Y-m-d H:i' }} UTC; the clock is paused"{% endif %}>waiting {% if t.waiting_since %}{% age t.waiting_since now %}{% else %}on the customer{% endif %}</span>{% elif t.first_response_at %}<span class="due-what">next update</span> {% countdown t.next_update_due_at now None t.sla_warn_at %}{% else %}{% countdown t.due_at now None t.sla_warn_at %}{% endif %}</td>
      <td>{{ t.get_status_display }}</td>
      <td>{% if t.assignee %}{% if t.assignee == user %}<strong>you</strong>{% else %}{{ t.assignee.username|user_text }}{% endif %}{% else %}<span class="muted">unclaimed</span>{% endif %}</td>
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
    waiting = TicketFactory(tier="team", severity="p1")
    services.ticket_set_status(ticket=waiting, by=sam_support, status="waiting_on_customer")
    page = queue_page(limit=50, sla_clock=True)
    assert len(page.rows) == 7 and page.rows[-1][1].pk == waiting.pk
    context = {"rows": page.rows, "now": now + timedelta(minutes=90), "user": sam_support}
    reference = Template(TEMPLATE_ROWS).render(Context(context))
    python = Template("{% load queue_table %}{% queue_tbody rows now %}").render(Context(context))
    assert _squeeze(python) == _squeeze(reference)
    assert "&lt;script&gt;" in python and "<strong>you</strong>" in python
    assert "Pinned by olga" in python and "<bdi>olga</bdi></td>" in python
    assert python.count("band-waiting") == 1 and re.search(r"waiting 1 h (29|30) min", python)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"priority": "p1", "tier": "team", "show": "mine"},
        {"priority": "p0", "show": "unassigned"},
        {"priority": "zz", "tier": "<x>", "show": "mine"},
        {"tier": "open_source", "page": "3"},
    ],
)
def test_filter_selects_match_the_form_widgets(data):
    """Issue 14: the queue filters' selects are written in Python; the markup is the widget's."""
    from queues.forms import QueueFilterForm
    from shared.templatetags.inputs import select_tag

    form = QueueFilterForm(data)
    form.is_valid()
    for name in ("priority", "tier", "show"):
        assert select_tag(form[name]) == str(form[name])
