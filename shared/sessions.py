"""The session engine: Django's database sessions, with the session read compiled once.

Every page request reads its session row; through the ORM, building and compiling that query
cost about half a millisecond of Python per page (issue 14). Writes, expiry and cleanup are
Django's own (`django.contrib.sessions.backends.db`).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from shared.precompiled import Precompiled

_SESSION = Precompiled(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    key=str,
    now=datetime,
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        rows = _SESSION.rows(key=self.session_key, now=timezone.now()) if self.session_key else []
        if not rows:
            self._session_key = None
            return None
        return rows[0]
