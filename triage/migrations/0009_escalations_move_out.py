"""Escalations move to their own app (escalations 0001). The tables stay; only the state moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("triage", "0008_ticket_request_key"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="EscalationDecision"),
                migrations.DeleteModel(name="Escalation"),
            ],
        ),
    ]
