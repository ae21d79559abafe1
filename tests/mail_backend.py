"""The tests' mail backend: Django's locmem, unless a test sends the Celery worker's mail to a
real SMTP server.

The worker runs in its own process, started before the tests (README, .ci/run) with the test
settings, so a test cannot change its settings. The `smtp_server_for_worker` fixture writes the
port of its aiosmtpd server to Redis under a key named for the tests' database; the worker (a
process without pytest) then sends through Django's SMTP backend to that port until the key is
gone. In the pytest process this is plain locmem (`mail.outbox`), as before.
"""

from __future__ import annotations

import os
import sys

from django.core.mail.backends import locmem, smtp
from django.db import connection

PORT_TTL = 300  # seconds: a test that dies leaves no redirection behind for long


def port_key() -> str:
    return f"support-triage:test-smtp-port:{connection.settings_dict['NAME']}"


def _redis():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=1)


def redirect_port() -> int | None:
    """Return the SMTP port a test asked the worker to send to, if any (worker only)."""
    if "pytest" in sys.modules or not os.environ.get("REDIS_URL"):
        return None
    try:
        value = _redis().get(port_key())
    except Exception:  # noqa: BLE001 - no Redis: plain locmem
        return None
    return int(value) if value else None


def redirect_set(port: int | None) -> None:
    """Send the worker's mail to this port on 127.0.0.1 (None: back to locmem)."""
    if port is None:
        _redis().delete(port_key())
    else:
        _redis().set(port_key(), port, ex=PORT_TTL)


class EmailBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        port = redirect_port()
        if port is None:
            return super().send_messages(messages)
        real = smtp.EmailBackend(
            host="127.0.0.1",
            port=port,
            username="",
            password="",
            use_tls=False,
            use_ssl=False,
            fail_silently=self.fail_silently,
        )
        return real.send_messages(messages)
