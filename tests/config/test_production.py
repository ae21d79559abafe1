"""Production settings, run as production runs them: a subprocess with only the environment.

Each test starts Python with DJANGO_SETTINGS_MODULE=config.settings.production and a realistic
environment (a long random SECRET_KEY, ALLOWED_HOSTS, a database URL), as gunicorn would.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
# Variables a developer's shell may hold that would change what production settings read.
OURS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_PROXY_SSL_HEADER",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "CSP_REPORT_ONLY",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests set it; never in deployment
    "DB_PREPARED_READS",
)


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OURS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="triage.example.com,testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def run_script(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `script` after django.setup() under production settings; it prints JSON."""
    prelude = "import django, json\ndjango.setup()\nfrom django.test import Client\n"
    return run(["-c", prelude + textwrap.dedent(script)], env)


def test_check_deploy_passes_without_a_single_warning(tmp_path):
    answer = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert answer.returncode == 0, answer.stderr
    assert "System check identified no issues" in answer.stdout
    assert "WARNING" not in answer.stderr + answer.stdout


def test_check_deploy_flags_turning_the_ssl_redirect_off(tmp_path):
    # The switch is honoured (and Django's deploy check says what it costs).
    answer = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, SECURE_SSL_REDIRECT="false"),
    )
    assert answer.returncode != 0
    assert "security.W008" in answer.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    answer = run(["manage.py", "check"], production_env(tmp_path, SECRET_KEY=None))
    assert answer.returncode != 0
    assert "SECRET_KEY is not set: production refuses to start without one" in answer.stderr


@pytest.mark.parametrize(
    "weak",
    [
        "change-me",  # the old README example
        "local-development-only-not-secret",  # local settings' default: published
        "short-but-random-QpX7",
        "ab" * 40,  # long, but two characters
        "django-insecure-" + "k3y" * 20,  # startproject's marker for a throwaway key
    ],
)
def test_production_refuses_an_obviously_weak_secret_key(tmp_path, weak):
    answer = run(["manage.py", "check"], production_env(tmp_path, SECRET_KEY=weak))
    assert answer.returncode != 0
    assert "SECRET_KEY is too weak for production" in answer.stderr


PROBE = """
    c = Client()
    plain = c.get("/login/?next=/queue/")
    proxied = c.get("/login/", headers={"X-Forwarded-Proto": "https"})
    print(json.dumps({
        "plain": [plain.status_code, plain.get("Location")],
        "proxied": [proxied.status_code, proxied.get("Strict-Transport-Security"),
                    proxied.get("X-Frame-Options"), proxied.get("Referrer-Policy"),
                    proxied.get("Cross-Origin-Opener-Policy"),
                    proxied.get("Content-Security-Policy"),
                    str(proxied.cookies.get("csrftoken"))],
    }))
"""


def test_plain_http_is_redirected_to_https_and_the_proxy_header_is_honoured(tmp_path):
    answer = run_script(PROBE, production_env(tmp_path))
    assert answer.returncode == 0, answer.stderr
    seen = json.loads(answer.stdout)
    assert seen["plain"] == [301, "https://testserver/login/?next=/queue/"]
    status, hsts, frames, referrer, opener, csp, cookie = seen["proxied"]
    assert status == 200  # the proxy said https: no redirect loop
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert (frames, referrer, opener) == ("DENY", "same-origin", "same-origin")
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "secure" in cookie.lower() and "httponly" in cookie.lower()


def test_ssl_redirect_can_be_turned_off_for_a_proxy_that_redirects_itself(tmp_path):
    answer = run_script(PROBE, production_env(tmp_path, SECURE_SSL_REDIRECT="false"))
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["plain"] == [200, None]


def test_the_forwarded_proto_header_is_ignored_when_no_proxy_is_trusted(tmp_path):
    # gunicorn facing clients directly: a client's own X-Forwarded-Proto must not count.
    answer = run_script(PROBE, production_env(tmp_path, SECURE_PROXY_SSL_HEADER=""))
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["proxied"][0] == 301


@pytest.mark.parametrize(("switch", "threshold"), [(None, 5), ("false", None)])
def test_the_hot_reads_are_prepared_unless_a_pooler_cannot_keep_them(tmp_path, switch, threshold):
    """DB_PREPARED_READS (docs/reliability.md): psycopg may prepare statements on PostgreSQL's
    connections (the precompiled reads ask it to), unless switched off for a pooler."""
    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/support_triage",
        DB_PREPARED_READS=switch,
    )
    answer = run_script(
        """
        from django.db import connection
        print(json.dumps(connection.get_connection_params().get("prepare_threshold")))
        """,
        env,
    )
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == threshold
