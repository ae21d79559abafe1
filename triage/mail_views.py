"""HTML views for the email channel (issue 13): a thread's attachments, an account's addresses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from shared import roles
from shared.forms import add_service_errors
from shared.web import staff_required
from triage import services
from triage.forms import AccountAddressForm
from triage.models import Account, AccountAddress, AddressKind, Attachment
from triage.selectors import account_addresses, ticket_attachment, visible_tickets
from triage.views import account_page


@login_required
def ticket_attachment_download(request, pk: int, attachment_pk: int):
    """Send an attachment to whoever may read its ticket, always as a download: a file from
    outside is never shown inline (an HTML or SVG part could run script on our origin)."""
    ticket = visible_tickets(request.user).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    try:
        attachment = ticket_attachment(ticket, attachment_pk)
    except Attachment.DoesNotExist:
        raise Http404 from None
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename or f"attachment-{attachment.pk}",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_POST
def account_address_add(request, pk: int):
    """Map an address or a domain to the account (support, leadership)."""
    account = get_object_or_404(Account, pk=pk)
    roles.require_role(
        request.user, roles.SUPPORT, roles.LEADERSHIP, action="change an account's addresses"
    )
    form = AccountAddressForm(request.POST)
    if form.is_valid():
        try:
            row = services.account_address_add(
                account=account, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Mail from {_described(row)} now files for this account.")
            return redirect("account-detail", pk=account.pk)
    return account_page(request, account, address_form=form)


@staff_required
@require_POST
def account_address_remove(request, pk: int, address_pk: int):
    """Stop mapping an address or a domain to the account; the row is kept, stamped."""
    account = get_object_or_404(Account, pk=pk)
    roles.require_role(
        request.user, roles.SUPPORT, roles.LEADERSHIP, action="change an account's addresses"
    )
    row = get_object_or_404(account_addresses(account), pk=address_pk)
    services.account_address_remove(address=row, by=request.user)
    messages.success(request, f"Mail from {_described(row)} no longer files for this account.")
    return redirect("account-detail", pk=account.pk)


def _described(row: AccountAddress) -> str:
    return f"the domain {row.value}" if row.kind == AddressKind.DOMAIN else row.value
