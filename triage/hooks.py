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
  (escalations: support moving the ticket on withdraws an undecided escalation, R8).
"""

from __future__ import annotations

from collections.abc import Callable

ticket_created_hooks: list[Callable[[list[int]], None]] = []
ticket_status_hooks: list[Callable[[int, str], None]] = []
ticket_left_escalated_hooks: list[Callable[..., None]] = []


def register(hooks: list, hook: Callable) -> None:
    """Append `hook` once (AppConfig.ready may run more than once in tests)."""
    if hook not in hooks:
        hooks.append(hook)
