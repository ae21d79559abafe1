"""The extension hooks of the ticket services, for the layers above triage.

Triage must not import the apps built on it, yet some of them act on ticket changes. They
append a callable here from their `AppConfig.ready` (listed in docs/architecture.md):

- `ticket_created_hooks`: `hook(ticket_ids)` after the creation of one ticket, or of a batch
  (mail), commits
  (queues: a ticket filed while the queue is backed up gets its proactive notice, R7);
- `ticket_status_hooks`: `hook(ticket_id, status)` after a status change commits
  (presales: a resolved ticket reminds engineers to leave its trial channel, R9);
- `ticket_left_escalated_hooks`: `hook(ticket=, by=, status=, reason=, now=)` inside the
  transaction that moves a ticket out of `escalated`, before the move is saved
  (escalations: support moving the ticket on withdraws an undecided escalation, R8);
- `ticket_page_flags`: `name -> flag()`, a boolean expression on the ticket's row
  (`OuterRef("pk")`) that the ticket page reads with its ticket (`visible_ticket`), so that a
  panel with nothing to show for most tickets skips its own read
  (escalations: `has_escalations`, issue 14).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ticket_created_hooks: list[Callable[[list[int]], None]] = []
ticket_status_hooks: list[Callable[[int, str], None]] = []
ticket_left_escalated_hooks: list[Callable[..., None]] = []
ticket_page_flags: dict[str, Callable[[], Any]] = {}


def register(hooks: list, hook: Callable) -> None:
    """Append `hook` once (AppConfig.ready may run more than once in tests)."""
    if hook not in hooks:
        hooks.append(hook)
