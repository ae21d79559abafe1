"""HTML forms: they validate and explain; services decide and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from presales import requirements
from presales.models import ExceptionKind, ImpactScope
from presales.selectors import prospect_accounts
from shared.api import MAX_REASON
from shared.forms import LineField, TextField
from shared.validation import TEXT_MAX
from triage.models import Deployment

HELP = {
    "account": "The prospect this is for. Not listed? Leave this empty and name it below.",
    "new_account_name": "Only for a prospect that is not in the list yet.",
    "summary": "One line support reads in the queue (up to 200 characters).",
    "attempted_and_expected": "What the prospect tried to do, and what they expected to happen.",
    "steps_taken": "What you and the prospect already tried to resolve it.",
    "impact_scope": "Who is affected.",
    "impact": "How the issue affects the prospect's evaluation (who, how often, workaround?).",
    "design_doc_links": "Links to technical design documents, one per line (may be empty).",
    "sales_context": "Where in the sales cycle the prospect is (e.g. trial, proof of concept).",
}


def _required(name: str) -> dict[str, str]:
    return {"required": requirements.REQUIRED[name]}


class PresalesRequestForm(forms.Form):
    required_css_class = "required"

    account = forms.ModelChoiceField(
        queryset=prospect_accounts(),
        required=False,
        empty_label="— choose a prospect —",
        help_text=HELP["account"],
    )
    new_account_name = LineField(
        label="New prospect account", max_length=200, required=False,
        help_text=HELP["new_account_name"],
    )  # fmt: skip
    new_account_deployment = forms.ChoiceField(
        label="New prospect's deployment", choices=Deployment.choices, required=False,
        initial=Deployment.CLOUD,
    )  # fmt: skip
    summary = LineField(
        label="Issue summary",
        max_length=requirements.SUMMARY_MAX,
        help_text=HELP["summary"],
        error_messages=_required("summary"),
    )
    attempted_and_expected = TextField(
        label="What the prospect attempted and the expected result",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=HELP["attempted_and_expected"],
        error_messages=_required("attempted_and_expected"),
    )
    steps_taken = TextField(
        label="Steps already taken",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=HELP["steps_taken"],
        error_messages=_required("steps_taken"),
    )
    impact_scope = forms.ChoiceField(
        label="Who is affected",
        choices=ImpactScope.choices,
        widget=forms.RadioSelect,
        required="impact_scope" in requirements.REQUIRED,
        help_text=HELP["impact_scope"],
    )
    impact = TextField(
        label="Impact",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=HELP["impact"],
        error_messages=_required("impact"),
    )
    design_doc_links = forms.CharField(
        label="Technical design documents",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://…"}),
        help_text=HELP["design_doc_links"],
    )
    sales_context = TextField(
        label="Where in the sales cycle",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=HELP["sales_context"],
        error_messages=_required("sales_context"),
    )

    def clean_design_doc_links(self) -> list[str]:
        links, problem = requirements.design_doc_links(
            self.cleaned_data["design_doc_links"].splitlines()
        )
        if problem:
            raise ValidationError(problem)
        return links

    def clean(self):
        data = super().clean()
        no_account = not data.get("account") and not (data.get("new_account_name") or "").strip()
        if no_account and "account" not in self.errors:
            self.add_error("account", "Pick the prospect's account, or name a new one below.")
        return data


class PresalesCompleteForm(PresalesRequestForm):
    """The R9 fields of a request filed incomplete by mail; the prospect too when the mail did
    not name it (`ask_prospect`)."""

    def __init__(self, *args, ask_prospect: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("account", "new_account_name", "new_account_deployment"):
            del self.fields[name]
        if ask_prospect:
            self.fields = {
                "prospect": LineField(
                    label="Prospect",
                    max_length=200,
                    error_messages={"required": "Name the prospect: the company this is for."},
                    help_text="The company this request is for: a prospect already known to "
                    "support, or a new one.",
                ),
                **self.fields,
            }

    def clean(self):
        return forms.Form.clean(self)


class KeyDateForm(forms.Form):
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    label = LineField(
        required=False, max_length=200, widget=forms.TextInput(attrs={"placeholder": "decision"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and not (data.get("label") or "").strip():
            self.add_error("label", "Say what happens on this date.")
        if (data.get("label") or "").strip() and not data.get("date") and "date" not in self.errors:
            self.add_error("date", "Give the date (YYYY-MM-DD).")
        return data


KeyDateFormSet = formset_factory(KeyDateForm, extra=4, max_num=20)


class ExceptionRequestForm(forms.Form):
    required_css_class = "required"
    kind = forms.ChoiceField(
        label="Exception", choices=ExceptionKind.choices, widget=forms.RadioSelect
    )
    account = forms.ModelChoiceField(
        label="Prospect",
        queryset=prospect_accounts(),
        empty_label="— choose a prospect —",
    )
    reason = TextField(
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the prospect needs support outside the usual process.",
    )
    ends_on = forms.DateField(
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day the exception applies.",
    )


class ExceptionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("deny", "Deny")], widget=forms.RadioSelect
    )
    note = TextField(
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The CE reads this with your decision.",
    )


class ChannelJoinForm(forms.Form):
    channel = LineField(
        label="Trial channel you joined", max_length=200,
        help_text="e.g. #trial-acme; you will be reminded to leave it.",
    )  # fmt: skip
