"""Seed the SLA policy table with PRODUCT.md's shipped defaults (all editable in the admin)."""

from django.db import migrations

WEEKDAYS = range(0, 5)
ENTERPRISE_24X5 = (
    [{"day": 6, "start": "14:00", "end": "00:00"}]  # Sunday 14:00 to midnight
    + [{"day": d, "start": "00:00", "end": "00:00"} for d in range(0, 4)]  # Mon-Thu all day
    + [{"day": 4, "start": "00:00", "end": "17:00"}]  # Friday until 17:00
)
ALWAYS = [{"day": d, "start": "00:00", "end": "00:00"} for d in range(7)]
TEAM_HOURS = [{"day": d, "start": "08:00", "end": "17:00"} for d in WEEKDAYS]
HOUR = 60

TARGETS = [
    # tier, priority, minutes, calendar, premium calendar
    ("enterprise", "p0", 2 * HOUR, "24x5", "24x7"),
    ("enterprise", "p1", 4 * HOUR, "24x5", "24x7"),
    ("enterprise", "p2", 8 * HOUR, "24x5", None),
    ("enterprise", "p3", 2 * 24 * HOUR, "24x5", None),  # 2 business days of a 24-hour day
    ("team", "p0", 9 * HOUR, "team", None),  # 1 business day of 08:00-17:00
    ("team", "p1", 9 * HOUR, "team", None),
    ("team", "p2", 2 * 9 * HOUR, "team", None),
    ("team", "p3", 3 * 9 * HOUR, "team", None),
]


def seed(apps, schema_editor):
    SlaCalendar = apps.get_model("triage", "SlaCalendar")
    SlaTarget = apps.get_model("triage", "SlaTarget")
    calendars = {
        "24x5": SlaCalendar.objects.create(
            name="Enterprise 24×5 (Sunday 14:00 – Friday 17:00 Pacific)",
            timezone="America/Los_Angeles",
            weekly_hours=ENTERPRISE_24X5,
        ),
        "24x7": SlaCalendar.objects.create(name="24×7", timezone="UTC", weekly_hours=ALWAYS),
        "team": SlaCalendar.objects.create(
            name="Team business days (Mon–Fri 08:00–17:00 Pacific)",
            timezone="America/Los_Angeles",
            weekly_hours=TEAM_HOURS,
        ),
    }
    for tier, priority, minutes, calendar, premium in TARGETS:
        SlaTarget.objects.create(
            tier=tier,
            priority=priority,
            target_minutes=minutes,
            calendar=calendars[calendar],
            premium_calendar=calendars[premium] if premium else None,
        )


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
