"""HTML forms for escalations: they check types; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from escalations import gate
from escalations.models import Decision, Urgency
from shared.api import MAX_REASON
from shared.forms import LineField, TextField

TEXTAREA = {"rows": 3}
MAX_TEXT = gate.CONTEXT_MAX


class EscalateForm(forms.Form):
    """The escalation's context; ids are prefixed so the form can sit on the ticket page.

    Required fields are marked (`required_css_class`); the deadline and the links may instead
    be stated as none, never left out (escalations.gate says so for form and API alike).
    """

    required_css_class = "required"
    # Each of these is required unless its box says there is none.
    STATED_NONE = {"customer_deadline": "no_customer_deadline", "links": "no_links"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "esc-%s")
        super().__init__(*args, **kwargs)
        if self.is_bound:
            for name, box in self.STATED_NONE.items():
                ticked = self.fields[box].widget.value_from_datadict(
                    self.data, self.files, self.add_prefix(box)
                )
                self.fields[name].required = not ticked

    summary = LineField(max_length=200, label="Summary")
    reproduction_steps = TextField(
        max_length=MAX_TEXT, widget=forms.Textarea(attrs=TEXTAREA), label="Steps to reproduce"
    )
    impact = TextField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs=TEXTAREA),
        label="Impact (who is blocked, how badly)",
    )
    customer_deadline = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Customer deadline",
        error_messages={
            "required": "Give the customer's deadline, or tick “No customer deadline”."
        },
    )
    no_customer_deadline = forms.BooleanField(required=False, label="No customer deadline")
    tried = TextField(
        max_length=MAX_TEXT, widget=forms.Textarea(attrs=TEXTAREA), label="What support tried"
    )
    links = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://…"}),
        label="Links: logs, design documents (one URL per line)",
        error_messages={"required": "Add a link, or tick “No links to share”."},
    )
    no_links = forms.BooleanField(required=False, label="No links to share")
    urgency = forms.ChoiceField(
        choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect, label="Urgency"
    )
    cannot_wait_a_day = forms.BooleanField(
        required=False, label="This cannot wait a day (required for drop everything)"
    )
    justification = TextField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it cannot wait a day",
    )

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput)
    target_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Target date"
    )
    question = TextField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Question for support",
    )
    reason = TextField(
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for declining",
    )


class AnswerForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "esc-%s")
        super().__init__(*args, **kwargs)

    answer = TextField(
        max_length=MAX_TEXT, widget=forms.Textarea(attrs=TEXTAREA), label="Answer for engineering"
    )
