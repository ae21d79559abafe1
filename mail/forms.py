"""Forms of the mail pages."""

from __future__ import annotations

from django import forms

from shared.validation import clean_line
from triage.models import Account


class AccountPickForm(forms.Form):
    """Support names the account of a ticket mailed by an unknown sender."""

    account = forms.CharField(max_length=200, label="Account name")
    reason = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_account(self) -> Account:
        name = clean_line(self.cleaned_data["account"])
        account = Account.objects.filter(name__iexact=name).order_by("id").first()
        if account is None:
            raise forms.ValidationError(
                f"No account is named “{name}”: check its name on the Accounts page, or create it."
            )
        return account
