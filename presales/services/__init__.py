"""Writes for pre-sales: requests (with their ticket), exceptions and trial channels (R9).

The package splits the writes by topic; callers import them from `presales.services`. The
mail the workers send (exceptions, channel reminders) is in `presales.notify`.
"""

from presales.services.channels import channel_join, channel_leave
from presales.services.exceptions import exception_decide, exception_request
from presales.services.requests import presales_request_complete, presales_request_create

__all__ = [
    "channel_join",
    "channel_leave",
    "exception_decide",
    "exception_request",
    "presales_request_complete",
    "presales_request_create",
]
