"""R8 on existing rows: a ticket is escalated only while an escalation is pending or accepted.

Before issue 12 a PATCH (or the Status buttons) could mark a ticket escalated with no
escalation, and support could move an escalated ticket on while its escalation stayed in
engineering's inbox. This settles both, once, on the timeline (R10):

- a ticket `escalated` with no pending or accepted escalation goes back to `in_progress`;
- a pending escalation (in the inbox, or waiting on support for context) whose ticket is no
  longer escalated is withdrawn, as support moving the ticket on withdraws it from now on.
"""

from django.db import migrations
from django.utils import timezone

PENDING = ("open", "needs_context")
LIVE = (*PENDING, "accepted")


def settle_escalated_statuses(apps, schema_editor) -> tuple[int, int]:
    """Apply the two rules above; return (tickets moved back, escalations withdrawn)."""
    Ticket = apps.get_model("triage", "Ticket")
    TicketEvent = apps.get_model("triage", "TicketEvent")
    Escalation = apps.get_model("escalations", "Escalation")
    now = timezone.now()
    live = Escalation.objects.filter(state__in=LIVE).values("ticket_id")
    orphans = list(
        Ticket.objects.filter(status="escalated").exclude(pk__in=live).values_list("pk", flat=True)
    )
    TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket_id=pk, at=now, kind="status", from_value="escalated", to_value="in_progress",
            reason="marked escalated without an escalation to engineering; a ticket is "
            "escalated only while an escalation exists (R8), so it is back in progress",
        )
        for pk in orphans
    )  # fmt: skip
    Ticket.objects.filter(pk__in=orphans).update(status="in_progress", updated_at=now)
    stale = list(
        Escalation.objects.filter(state__in=PENDING)
        .exclude(ticket__status="escalated")
        .values_list("pk", "ticket_id", "state")
    )
    TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket_id=ticket_id, at=now, kind="escalation", from_value=state,
            to_value="withdrawn",
            reason="support had moved the ticket on before engineering decided",
        )
        for _, ticket_id, state in stale
    )  # fmt: skip
    Escalation.objects.filter(pk__in=[pk for pk, _, _ in stale]).update(
        state="withdrawn", updated_at=now
    )
    return len(orphans), len(stale)


def forwards(apps, schema_editor) -> None:
    settle_escalated_statuses(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0002_withdrawn_and_stated_none"),
    ]

    operations = [
        # Nothing to undo: the moves are history on the timeline.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
