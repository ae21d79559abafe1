"""Escalations get their own app. The tables stay as triage created them (0005); only Django's
model state moves, and the content types (with their permissions) follow."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("escalation", "escalationdecision"):
        if not ContentType.objects.filter(app_label="escalations", model=model).exists():
            ContentType.objects.filter(app_label="triage", model=model).update(
                app_label="escalations"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("triage", "0009_escalations_move_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Escalation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('open', "In engineering's inbox"), ('needs_context', 'Engineering asked for more context'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='open', max_length=16)),
                        ('urgency', models.CharField(choices=[('drop_everything', 'Drop everything'), ('normal', 'Normal (engineering sets the timing)')], default='normal', max_length=16)),
                        ('summary', models.CharField(max_length=200)),
                        ('reproduction_steps', models.TextField()),
                        ('impact', models.TextField()),
                        ('customer_deadline', models.DateField()),
                        ('tried', models.TextField(help_text='What support already tried.')),
                        ('links', models.JSONField(default=list, help_text='Logs, design documents: a list of URLs.')),
                        ('cannot_wait_a_day', models.BooleanField(default=False)),
                        ('justification', models.TextField(blank=True, help_text='Why this cannot wait a day.')),
                        ('created_at', models.DateTimeField()),
                        ('updated_at', models.DateTimeField()),
                        ('target_date', models.DateField(blank=True, null=True)),
                        ('question', models.TextField(blank=True)),
                        ('answer', models.TextField(blank=True)),
                        ('decline_reason', models.TextField(blank=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='escalations', to='triage.ticket')),
                    ],
                    options={
                        'db_table': 'triage_escalation',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='EscalationDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('decision', models.CharField(choices=[('accept', 'Accept'), ('ask', 'Ask for more context'), ('decline', 'Decline')], max_length=8)),
                        ('at', models.DateTimeField()),
                        ('target_date', models.DateField(blank=True, null=True)),
                        ('question', models.TextField(blank=True)),
                        ('reason', models.TextField(blank=True)),
                        ('notified_at', models.DateTimeField(blank=True, null=True)),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('escalation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='escalations.escalation')),
                    ],
                    options={
                        'db_table': 'triage_escalationdecision',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='escalation',
                    index=models.Index(condition=models.Q(('state', 'open')), fields=['urgency'], name='escalation_inbox'),
                ),
                migrations.AddIndex(
                    model_name='escalation',
                    index=models.Index(fields=['state', 'created_at'], name='escalation_state'),
                ),
                migrations.AddConstraint(
                    model_name='escalation',
                    constraint=models.UniqueConstraint(condition=models.Q(('state__in', ('open', 'needs_context'))), fields=('ticket',), name='escalation_one_pending_per_ticket'),
                ),
                migrations.AddConstraint(
                    model_name='escalation',
                    constraint=models.CheckConstraint(condition=models.Q(('state__in', ['open', 'needs_context', 'accepted', 'declined'])), name='escalation_state_valid'),
                ),
                migrations.AddConstraint(
                    model_name='escalation',
                    constraint=models.CheckConstraint(condition=models.Q(('urgency__in', ['drop_everything', 'normal'])), name='escalation_urgency_valid'),
                ),
                migrations.AddConstraint(
                    model_name='escalation',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('urgency', 'drop_everything'), _negated=True), models.Q(('cannot_wait_a_day', True), models.Q(('justification', ''), _negated=True)), _connector='OR'), name='escalation_drop_everything_justified'),
                ),
                migrations.AddConstraint(
                    model_name='escalation',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'accepted'), _negated=True), ('target_date__isnull', False), _connector='OR'), name='escalation_accepted_has_target_date'),
                ),
                migrations.AddConstraint(
                    model_name='escalation',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'declined'), _negated=True), models.Q(('decline_reason', ''), _negated=True), _connector='OR'), name='escalation_declined_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='escalation',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'needs_context'), _negated=True), models.Q(('question', ''), _negated=True), _connector='OR'), name='escalation_ask_has_question'),
                ),
                migrations.AddIndex(
                    model_name='escalationdecision',
                    index=models.Index(condition=models.Q(('notified_at__isnull', True)), fields=['at'], name='decision_unnotified'),
                ),
                migrations.AddConstraint(
                    model_name='escalationdecision',
                    constraint=models.CheckConstraint(condition=models.Q(('decision__in', ['accept', 'ask', 'decline'])), name='decision_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='escalationdecision',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'accept'), _negated=True), ('target_date__isnull', False), _connector='OR'), name='decision_accept_has_target_date'),
                ),
                migrations.AddConstraint(
                    model_name='escalationdecision',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'ask'), _negated=True), models.Q(('question', ''), _negated=True), _connector='OR'), name='decision_ask_has_question'),
                ),
                migrations.AddConstraint(
                    model_name='escalationdecision',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'decline'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='decision_decline_has_reason'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
