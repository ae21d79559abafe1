"""The two extension hooks of the ticket services, for the layers above triage.

Triage must not import the apps built on it, yet two of them act on ticket changes. They
append a callable here from their `AppConfig.ready` (listed in docs/architecture.md):

- `ticket_created_hooks`: `hook(ticket_id)` after a ticket's creation commits
  (queues: a ticket filed while the queue is backed up gets its proactive notice, R7);
- `ticket_status_hooks`: `hook(ticket_id, status)` after a status change commits
  (presales: a resolved ticket reminds engineers to leave its trial channel, R9).
"""

from __future__ import annotations

from collections.abc import Callable

ticket_created_hooks: list[Callable[[int], None]] = []
ticket_status_hooks: list[Callable[[int, str], None]] = []


def register(hooks: list, hook: Callable) -> None:
    """Append `hook` once (AppConfig.ready may run more than once in tests)."""
    if hook not in hooks:
        hooks.append(hook)
