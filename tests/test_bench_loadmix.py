"""The load test's pure helpers (bench/_loadmix.py): wrk's summary, gunicorn's log, the mix."""

import pytest

from bench import _loadmix as loadmix

WRK_OUT = """Running 20s test @ http://127.0.0.1:41234
  2 threads and 8 connections
LOAD requests 1200
LOAD duration_s 20.000000
LOAD socket_errors 3
LOAD timeouts 1
LOAD p50 41.500000
LOAD p90 90.250000
LOAD p99 310.000000
LOAD max 480.125000
LOAD triage_next 361
LOAD status 200 1050
LOAD status 201 120
LOAD status 204 2
LOAD status 500 1
LOAD sent claim 121
LOAD sent triage 180
"""


def test_parse_wrk_reads_the_summary_and_counts_every_unexpected_answer_as_an_error():
    result = loadmix.parse_wrk(WRK_OUT)

    assert result.requests == 1200
    assert result.rate == 60.0
    assert (result.p50, result.p90, result.p99, result.max) == (41.5, 90.25, 310.0, 480.125)
    assert result.statuses == {200: 1050, 201: 120, 204: 2, 500: 1}
    assert result.sent == {"claim": 121, "triage": 180}
    assert result.triage_next == 361
    # 3 socket errors, a 204 (nothing to claim must not happen) and a 500.
    assert result.errors == 6


def test_parse_wrk_refuses_output_without_the_summary():
    with pytest.raises(ValueError, match="no LOAD summary"):
        loadmix.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.parametrize(
    ("method", "path", "query", "kind"),
    [
        ("GET", "/api/v1/queue/next/", "", "queue_next"),
        ("GET", "/api/v1/queue/", "limit=50", "queue_page"),
        ("GET", "/api/v1/queue/", "limit=50&assigned=false", "queue_unclaimed"),
        ("GET", "/api/v1/tickets/42/", "", "ticket_get"),
        ("POST", "/api/v1/queue/claim/", "", "claim"),
        ("POST", "/api/v1/tickets/42/triage/", "", "triage"),
        ("POST", "/api/v1/tickets/", "", "create"),
        ("GET", "/api/v1/tickets/", "", "other"),
        ("PATCH", "/api/v1/tickets/42/", "", "status"),
        ("PATCH", "/api/v1/tickets/", "", "other"),
    ],
)
def test_classify_names_each_kind_of_request_in_the_mix(method, path, query, kind):
    assert loadmix.classify(method, path, query) == kind


def test_access_log_gives_times_per_kind_and_errors_against_each_kinds_expected_answer():
    lines = [
        "GET|/api/v1/queue/next/||200|12500\n",
        "GET|/api/v1/queue/next/||204|3000\n",
        "POST|/api/v1/tickets/||201|80000\n",
        "POST|/api/v1/tickets/||200|81000\n",
        "POST|/api/v1/queue/claim/||200|40000\n",
        "a line in another format\n",
    ]

    stats = loadmix.parse_access_log(lines)

    assert stats["queue_next"].ms == [12.5, 3.0]
    assert dict(stats["create"].statuses) == {201: 1, 200: 1}
    assert loadmix.errors_by_kind(stats) == {"queue_next": {204: 1}, "create": {200: 1}}


def test_lua_script_carries_the_data_and_the_whole_mix():
    script = loadmix.lua_script(
        tokens=["abc", "def"],
        account_ids=[3, 4],
        ticket_ids=(1, 100),
        triage_ids=[100, 99, 98],
        triage_offset=7,
        threads=2,
    )

    assert 'local tokens = {"abc","def"}' in script
    assert "local triage_ids = {100,99,98}" in script
    assert "local triage_offset = 7" in script
    assert f"local total = {sum(loadmix.MIX.values())}" in script
    assert sum(loadmix.MIX.values()) == 100
    for kind in loadmix.MIX:
        assert f'"{kind}"' in script
