"""Set each pre-sales ticket's requester (issue 12): the CE of its request, else the CE who filed it."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def backfill(apps, schema_editor):
    Ticket = apps.get_model("triage", "Ticket")
    PresalesRequest = apps.get_model("presales", "PresalesRequest")
    todo = Ticket.objects.filter(source="presales", requester__isnull=True)
    requested_by = PresalesRequest.objects.filter(ticket=OuterRef("pk")).values("requested_by")
    todo.filter(presales_request__isnull=False).update(requester=Subquery(requested_by[:1]))
    todo.filter(presales_request__isnull=True, created_by__groups__name="ce").update(
        requester=F("created_by")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("presales", "0001_initial"),
        ("triage", "0012_email_channel_and_thread"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
