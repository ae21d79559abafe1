"""HTML forms for the queue page's filters and the rota page (the services validate hours)."""

from django import forms

from queues.models import Region
from shared.forms import LineField, TextField
from triage.models import Level, Tier

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class HoursForm(forms.Form):
    """One span per day (the API takes several); blank start and end means a day off."""

    timezone = forms.CharField(max_length=64, label="Time zone (IANA name)")
    region = forms.ChoiceField(choices=Region.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in enumerate(DAYS):
            self.fields[f"start_{day}"] = forms.CharField(
                required=False, max_length=5, label=f"{name} start (HH:MM)"
            )
            self.fields[f"end_{day}"] = forms.CharField(
                required=False, max_length=5, label=f"{name} end (HH:MM)"
            )

    @classmethod
    def initial_for(cls, profile) -> dict:
        initial = {"timezone": profile.timezone, "region": profile.region}
        for row in profile.weekly_hours:
            initial.setdefault(f"start_{row['day']}", row["start"])
            initial.setdefault(f"end_{row['day']}", row["end"])
        return initial

    def day_rows(self):
        return [(DAYS[d], self[f"start_{d}"], self[f"end_{d}"]) for d in range(7)]

    def clean(self):
        data = super().clean()
        rows = []
        for day in range(7):
            start = (data.get(f"start_{day}") or "").strip()
            end = (data.get(f"end_{day}") or "").strip()
            if start or end:
                if not (start and end):
                    self.add_error(f"end_{day}" if start else f"start_{day}", "Give both times.")
                rows.append({"day": day, "start": start, "end": end})
        data["weekly_hours"] = rows
        return data


class AbsenceForm(forms.Form):
    start = forms.DateTimeField(
        label="Out from (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label="Back at (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = LineField(max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "The absence must end after it starts.")
        return data


class NoticeSwitchForm(forms.Form):
    paused = forms.TypedChoiceField(
        choices=[("1", "Pause proactive notices"), ("0", "Resume proactive notices")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        label="Notices",
    )
    reason = TextField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class QueueFilterForm(forms.Form):
    """The queue's filters; kept in the URL so a filtered view can be bookmarked and shared."""

    priority = forms.ChoiceField(
        required=False, choices=[("", "Any priority")] + list(Level.choices)
    )
    tier = forms.ChoiceField(required=False, choices=[("", "Any tier")] + list(Tier.choices))
    show = forms.ChoiceField(
        required=False,
        label="Assigned",
        choices=[("", "Everyone's"), ("unassigned", "Unassigned"), ("mine", "Mine")],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
