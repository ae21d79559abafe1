"""HTML views for the email channel (issue 13): a thread's attachments, an account's addresses."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from triage.models import Attachment
from triage.selectors import ticket_attachment, visible_tickets


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
