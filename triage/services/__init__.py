"""Every write to accounts and tickets goes through here, with its timeline event (R10).

The package splits the writes by topic; callers import them from `triage.services`.
"""

from triage.services.accounts import account_create, account_set_contact_email, ticket_set_account
from triage.services.addresses import account_address_add, account_address_remove
from triage.services.changes import (
    ticket_assign,
    ticket_pin,
    ticket_set_status,
    ticket_triage,
    ticket_unpin,
    ticket_update,
)
from triage.services.clocks import ticket_clocks_sync, ticket_pauses_sync
from triage.services.intake import (
    ticket_bulk_create,
    ticket_create,
    ticket_create_once,
    ticket_filed_with,
)
from triage.services.ranking import ticket_refresh_rank, ticket_save
from triage.services.replies import ticket_reply
from triage.services.timeline import event_record

__all__ = [
    "account_address_add",
    "account_address_remove",
    "account_create",
    "account_set_contact_email",
    "event_record",
    "ticket_assign",
    "ticket_bulk_create",
    "ticket_clocks_sync",
    "ticket_create",
    "ticket_create_once",
    "ticket_filed_with",
    "ticket_pauses_sync",
    "ticket_pin",
    "ticket_refresh_rank",
    "ticket_reply",
    "ticket_save",
    "ticket_set_account",
    "ticket_set_status",
    "ticket_triage",
    "ticket_unpin",
    "ticket_update",
]
