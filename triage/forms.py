"""HTML forms for the support engineer's pages. They validate input; services decide and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User

from shared import roles
from shared.forms import LineField, TextField
from shared.precompiled import Precompiled
from triage import priority as engine
from triage.models import Account, AddressKind, Source, Status, Ticket

MAX_REASON = 2000

# R2, the policy's wording. Pre-sales tickets use the pre-sales criteria word for word.
PRESALES_SEVERITY = {
    "p0": "Failed deployment or total loss of service",
    "p1": "Core features are unavailable or the service as a whole is slow",
    "p2": "Non-blocking technical asks or problems",
}
SEVERITY = {
    "p0": "Failed deployment or total loss of service",
    "p1": "Core features unavailable, or the service as a whole is slow",
    "p2": "Non-blocking technical asks or problems",
    "p3": "Minor: a question or cosmetic issue, nothing impaired",
}
# The policy's priority definitions (what the work is worth).
PRIORITY = {
    "p0": "Contractual p0: failed deployment or total loss of service (cloud included)",
    "p1": "Contractual p1: core features unavailable or slow (cloud included)",
    "p2": "Paying customers' and prospects' non-blocking issues",
    "p3": "Internal work; free and open-source p2 asks",
}

STATUS_ACTIONS = {
    Status.IN_PROGRESS: "Start work",
    Status.WAITING_ON_CUSTOMER: "Wait on customer",
    Status.RESOLVED: "Resolve",
    Status.CLOSED: "Close",
}


def severity_choices(ticket: Ticket) -> list[tuple[str, str]]:
    wording = PRESALES_SEVERITY if ticket.source == Source.PRESALES else SEVERITY
    return [(level, f"{level} — {text}") for level, text in wording.items()]


class TriageForm(forms.Form):
    severity = forms.ChoiceField(widget=forms.RadioSelect)
    priority = forms.ChoiceField(widget=forms.RadioSelect)
    reason = TextField(
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the priority differs from the policy's suggestion.",
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        self.ticket = ticket
        severity = ticket.severity or ticket.reported_severity or "p2"
        # Untriaged work starts from the policy's suggestion; triaged work keeps what was chosen,
        # so saving again never quietly drops an override.
        chosen = ticket.priority if ticket.triaged_at else self.suggestion_for(severity)
        kwargs.setdefault("initial", {"severity": severity, "priority": chosen})
        super().__init__(*args, **kwargs)
        self.fields["severity"].choices = severity_choices(ticket)
        self.fields["priority"].choices = [(p, f"{p} — {t}") for p, t in PRIORITY.items()]

    def suggestion_for(self, severity: str) -> str:
        t = self.ticket
        return engine.suggested_priority(source=t.source, tier=t.tier, severity=severity)

    def suggestions(self) -> dict[str, str]:
        """Map each severity to the suggested priority, so the page can say it and JS follow it."""
        return {level: self.suggestion_for(level) for level, _ in self.fields["severity"].choices}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    reason = TextField(required=False, max_length=MAX_REASON, widget=forms.TextInput)


def _assignees():
    return (
        User.objects.filter(is_active=True, groups__name__in=[roles.SUPPORT, roles.LEADERSHIP])
        .distinct()
        .order_by("username")
    )


# Every ticket page lists who may be assigned: compiled once (shared.precompiled, issue 14).
_ASSIGNEES = Precompiled(_assignees)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Nobody (unassign)"
    )
    reason = TextField(required=False, max_length=MAX_REASON, widget=forms.TextInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        if self.is_bound:
            field.queryset = _assignees()  # what a POST is validated against
        # Choices from one precompiled read: ModelChoiceField's own iterator() would open a
        # server-side cursor (DECLARE, FETCH, CLOSE: three round trips) on every ticket page.
        field.choices = [("", field.empty_label), *((u.pk, str(u)) for u in _ASSIGNEES.rows())]


class ReasonForm(forms.Form):
    reason = TextField(max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    body = TextField(label="Message", max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    public = forms.TypedChoiceField(
        label="Kind",
        choices=[("1", "Public reply to the customer"), ("0", "Internal note (team only)")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    first_response = forms.BooleanField(
        required=False,
        label="This reply sums up the troubleshooting done and the next steps "
        "(records the first response; an acknowledgement does not)",
    )


class TicketCreateForm(forms.Form):
    title = LineField(max_length=200)
    description = TextField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    source = forms.ChoiceField(choices=Source.choices, initial=Source.CUSTOMER)
    account = forms.ModelChoiceField(
        queryset=Account.objects.all(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="Leave empty for internal work.",
    )
    severity = forms.ChoiceField(
        label="Severity the customer reported",
        required=False,
        choices=[("", "Not stated")] + [(k, f"{k} — {v}") for k, v in SEVERITY.items()],
    )
    requester = forms.ModelChoiceField(
        label="Customer engineer (pre-sales only)",
        queryset=User.objects.none(),
        required=False,
        empty_label="—",
        help_text="The CE this pre-sales ticket is for: it shows in her requests.",
    )

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.fields["account"].choices = [(a.pk, str(a)) for a in accounts]
        self.fields["requester"].queryset = roles.users_with_role(roles.CE).order_by("username")

    def clean(self):
        data = super().clean()
        if data.get("source") != Source.PRESALES:
            data["requester"] = None  # only a pre-sales ticket is asked for by a CE
        elif not data.get("requester") and "requester" not in self.errors:
            self.add_error("requester", "Pick the CE this pre-sales ticket is for.")
        return data


class ContactEmailForm(forms.Form):
    contact_email = forms.EmailField(
        required=False,
        label="Contact e-mail",
        help_text="Public replies and proactive notices go here when a ticket has no "
        "requester's address; mail from it files tickets for this account. Blank: notices go "
        "to whoever filed the ticket.",
    )


class AccountAddressForm(forms.Form):
    """Map a sender's address or a whole email domain to the account (issue 13)."""

    kind = forms.ChoiceField(
        choices=AddressKind.choices, initial=AddressKind.DOMAIN, label="Map", required=True
    )
    value = forms.CharField(
        max_length=320,
        label="Address or domain",
        help_text="A domain (acme.io) covers its subdomains too; an address (ops@acme.io) "
        "wins over its domain. Mail from these senders files tickets for this account.",
    )
