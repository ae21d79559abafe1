"""Structured logs: a request id on the response and on every log line; JSON in production."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid

import pytest

from config.celery import app
from config.logs import JsonFormatter, RequestIdFilter, request_id_var
from tests.config.test_production import production_env, run_script

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines():
    """Attach a handler configured as production's (JSON + request id); return its lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


@pytest.mark.django_db
def test_a_sane_incoming_request_id_comes_back_on_the_response(client):
    sent = "3f2a9c1e-7b4d-4e8a-9f0b-1c2d3e4f5a6b"
    assert client.get("/login/", headers={"X-Request-ID": sent})["X-Request-ID"] == sent


@pytest.mark.django_db
def test_without_one_each_request_gets_a_fresh_uuid4(client):
    first, second = (client.get("/login/")["X-Request-ID"] for _ in range(2))
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second) and first != second
    assert uuid.UUID(first).version == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        "short",  # too short to be an id
        "x" * 129,  # too long to log
        'abc" , "level": "CRITICAL',  # would forge a JSON field in a naive formatter
        "two words here ok",
        "id-with-newline\nERROR forged line",
    ],
)
def test_an_invalid_incoming_id_is_replaced(client, bad):
    answer = client.get("/login/", headers={"X-Request-ID": bad})["X-Request-ID"]
    assert answer != bad and HEX32.fullmatch(answer)


@pytest.mark.django_db
def test_the_access_line_has_the_request_fields_and_never_the_password(
    client, sam_support, json_lines
):
    response = client.post(
        "/login/?next=/",
        {"username": "sam", "password": "pw-for-tests"},
        headers={"X-Request-ID": "login-req-0001"},
    )
    assert response.status_code == 302
    access = [line for line in json_lines() if line["logger"] == "access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "login-req-0001"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/login/", 302)
    assert line["user_id"] == sam_support.pk  # signed in by this very request
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    everything = json.dumps(json_lines())
    assert "pw-for-tests" not in everything and "next=" not in everything


@pytest.mark.django_db
def test_an_api_call_logs_the_token_users_id_but_not_the_token(as_sam, sam_support, json_lines):
    as_sam.get("/api/v1/queue/", headers={"X-Request-ID": "api-req-0001"})
    (line,) = [line for line in json_lines() if line["logger"] == "access"]
    assert line["user_id"] == sam_support.pk and line["request_id"] == "api-req-0001"
    token = as_sam._credentials["HTTP_AUTHORIZATION"].split()[1]
    assert token not in json.dumps(json_lines())


@pytest.mark.django_db
def test_an_anonymous_request_logs_no_user_and_loads_none(client, json_lines):
    client.get("/login/")
    (line,) = [line for line in json_lines() if line["logger"] == "access"]
    assert line["user_id"] is None


def test_production_writes_json_lines_with_the_request_id(tmp_path):
    answer = run_script(
        """
        r = Client().get("/login/", headers={"X-Request-ID": "prod-req-0001"}, secure=True)
        print(json.dumps({"status": r.status_code, "id": r["X-Request-ID"]}))
        """,
        production_env(tmp_path),
    )
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == {"status": 200, "id": "prod-req-0001"}
    lines = [json.loads(line) for line in answer.stderr.splitlines()]  # every line parses
    (access,) = [line for line in lines if line["logger"] == "access"]
    assert access["request_id"] == "prod-req-0001"
    assert {"time", "level", "logger", "message", "method", "path", "status", "duration_ms"} <= set(
        access
    )


BOOM = """
    import sys, types
    from django.test import override_settings
    from django.urls import path

    def boom(request):
        raise RuntimeError("the ticket store is on fire")

    urls = types.ModuleType("boom_urls")
    urls.urlpatterns = [path("boom/", boom)]
    sys.modules["boom_urls"] = urls
    with override_settings(ROOT_URLCONF="boom_urls"):
        r = Client(raise_request_exception=False).get(
            "/boom/", headers={"X-Request-ID": "boom-req-0001"}, secure=True
        )
    print(json.dumps({"status": r.status_code, "id": r["X-Request-ID"]}))
"""


def test_a_500_logs_the_request_id_with_the_exception(tmp_path):
    answer = run_script(BOOM, production_env(tmp_path))
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == {"status": 500, "id": "boom-req-0001"}
    lines = [json.loads(line) for line in answer.stderr.splitlines()]
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["logger"] == "django.request" and error["request_id"] == "boom-req-0001"
    assert "RuntimeError: the ticket store is on fire" in error["exception"]
    (access,) = [line for line in lines if line["logger"] == "access"]
    assert (access["status"], access["request_id"]) == (500, "boom-req-0001")


def test_a_task_enqueued_in_a_request_carries_its_id_in_the_message(redis_url):
    """The broker's copy of the message has the header the worker reads (config/celery.py)."""
    import redis

    queue = f"st-request-id-probe-{uuid.uuid4().hex}"  # no worker listens here
    token = request_id_var.set("task-req-0001")
    app.conf.task_always_eager = False
    try:
        app.send_task("triage.sla_warnings_scan", queue=queue)
    finally:
        app.conf.task_always_eager = True
        request_id_var.reset(token)
    server = redis.Redis.from_url(redis_url)
    try:
        raw = server.lpop(queue)
    finally:
        server.delete(queue)
    assert raw, "the message did not reach the broker"
    assert json.loads(raw)["headers"]["request_id"] == "task-req-0001"


def test_the_worker_side_takes_the_id_for_the_task_and_gives_it_back():
    from celery import signals

    app.loader.import_default_modules()
    task = app.tasks["triage.sla_warnings_scan"]
    task.push_request(request_id="task-req-0002", id="t-1")
    try:
        signals.task_prerun.send(sender=task, task_id="t-1", task=task, args=(), kwargs={})
        assert request_id_var.get() == "task-req-0002"
        signals.task_postrun.send(sender=task, task_id="t-1", task=task, args=(), kwargs={})
    finally:
        task.pop_request()
    assert request_id_var.get() == "-"


REFUSED = """
    import io
    from django.contrib.auth.models import User
    from django.core.management import call_command
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    call_command("add_user", "cara", "--role", "ce", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username="cara"))
    codes = [client.get(path, secure=True).status_code for path in ("/rota/", "/api/v1/queue/")]
    print(json.dumps(codes))
"""


@pytest.mark.parametrize("settings_module", ["local", "production"])
def test_a_refused_request_logs_one_line_not_two_tracebacks(tmp_path, settings_module):
    """A 403 is a refusal, not an error: one access line, no traceback (Django's own `django`
    console handler under DEBUG used to print the traceback a second time)."""
    env = production_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE=f"config.settings.{settings_module}",
        LOG_FORMAT="plain",
        SECURE_SSL_REDIRECT="false",
    )
    answer = run_script(REFUSED, env)
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout.splitlines()[-1]) == [403, 403]
    assert "Traceback" not in answer.stderr, answer.stderr
    for path in ("/rota/", "/api/v1/queue/"):
        lines = [line for line in answer.stderr.splitlines() if path in line]
        assert len(lines) == 1, answer.stderr
        assert " access " in lines[0] and "403" in lines[0]
