"""The rank key grows a leading band (R4: work waiting on the customer after all work that waits
on us) and answered tickets rank by their next update's due time (R6); every stored key is
recomputed from the ticket's facts and its running next-update clock."""

from django.db import migrations, models

from triage import clock_plan, rank

BATCH = 2000
FIELDS = (
    "id", "tier", "priority", "created_at", "due_at", "pinned_at", "status", "first_response_at",
)  # fmt: skip


def recompute_rank_keys(apps, schema_editor) -> int:
    """Store each ticket's next-update due time (from its running clock) and its new rank key."""
    Ticket = apps.get_model("triage", "Ticket")
    SlaClock = apps.get_model("triage", "SlaClock")
    next_due = dict(
        SlaClock.objects.filter(
            kind="next_update", stopped_at__isnull=True, ticket__first_response_at__isnull=False
        )
        .order_by("ticket_id", "started_at")
        .values_list("ticket_id", "due_at")
    )
    changed, batch = 0, []
    for ticket in Ticket.objects.only(*FIELDS).order_by("id").iterator(chunk_size=BATCH):
        is_open = ticket.status in ("new", "triaged", "in_progress", "waiting_on_customer",
                                    "escalated")  # fmt: skip
        ticket.next_update_due_at = next_due.get(ticket.pk) if is_open else None
        facts = rank.TicketFacts(
            id=ticket.pk,
            tier=ticket.tier,
            priority=ticket.priority,
            created_at=ticket.created_at,
            due_at=clock_plan.ranking_due(
                first_response_at=ticket.first_response_at,
                first_due=ticket.due_at,
                next_due=ticket.next_update_due_at,
            ),
            pinned_at=ticket.pinned_at,
            waiting_on_customer=ticket.status == "waiting_on_customer",
            answered=ticket.first_response_at is not None,
        )
        ticket.rank_key = rank.rank_key(facts)
        batch.append(ticket)
        if len(batch) == BATCH:
            changed += Ticket.objects.bulk_update(batch, ["rank_key", "next_update_due_at"])
            batch = []
    if batch:
        changed += Ticket.objects.bulk_update(batch, ["rank_key", "next_update_due_at"])
    return changed


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0009_escalations_move_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="next_update_due_at",
            field=models.DateTimeField(
                blank=True,
                help_text="After the first response, when the next public reply is due (R6); "
                "none while waiting on the customer or once resolved.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="rank_key",
            field=models.CharField(editable=False, max_length=52),
        ),
        # The keys change meaning, not just length: the old ones cannot be told apart, so
        # going back recomputes nothing (an older release would recompute on its next write).
        migrations.RunPython(recompute_rank_keys, migrations.RunPython.noop),
    ]
