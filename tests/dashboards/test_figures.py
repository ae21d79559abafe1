"""The leadership dashboard (R6, R7): figures in SQL, CSV downloads, access, the API."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import figures as dashboard
from tests.conftest import api_client
from tests.factories import TicketFactory, UserFactory
from tests.factories import public_reply as ticket_reply
from triage import services

NOW = datetime(2026, 5, 14, 18, 0, tzinfo=UTC)  # a Thursday, 11:00 Pacific
H = timedelta(hours=1)
D = timedelta(days=1)


def _answered(sam_support, *, tier, severity, filed, after):
    ticket = TicketFactory(tier=tier, severity=severity, now=filed)
    return ticket_reply(
        ticket=ticket,
        by=sam_support,
        body="Troubleshooting and next steps.",
        substantive=True,
        now=filed + after,
    )


# --- figures ---------------------------------------------------------------------------------


def test_matrix_counts_open_work_by_priority_and_tier_with_the_oldest_age(sam_support):
    TicketFactory(tier="enterprise", severity="p1", now=NOW - 3 * H)
    TicketFactory(tier="enterprise", severity="p1", now=NOW - H)
    TicketFactory(tier="free", severity="p2", now=NOW - 2 * H)  # p2 from free ranks p3
    done = TicketFactory(tier="team", severity="p0", now=NOW - H)
    services.ticket_set_status(ticket=done, by=sam_support, status="resolved", now=NOW)
    matrix = dashboard.open_matrix(NOW)
    cells = {(r["priority"], c["tier"]): c for r in matrix["rows"] for c in r["cells"]}
    assert cells[("p1", "enterprise")] == {"tier": "enterprise", "count": 2, "oldest_minutes": 180}
    assert cells[("p3", "free")]["count"] == 1
    assert cells[("p0", "team")]["count"] == 0  # resolved work is not open
    assert matrix["total"] == 3
    assert [t["value"] for t in matrix["tiers"]][0] == "presales"  # R1's order


def test_attainment_counts_met_and_missed_against_contract_and_goal(sam_support):
    # Enterprise p1: 4 business hours. Answered in 1 h: met both. In 3 h: met contract, missed goal.
    _answered(sam_support, tier="enterprise", severity="p1", filed=NOW - 2 * D, after=H)
    _answered(sam_support, tier="enterprise", severity="p1", filed=NOW - 2 * D, after=3 * H)
    # Unanswered and 5 h old: missed both. Free tier has no contract, only the goal.
    TicketFactory(tier="enterprise", severity="p1", now=NOW - 5 * H)
    _answered(sam_support, tier="free", severity="p2", filed=NOW - 20 * D, after=H)
    # Not yet due: not counted anywhere.
    TicketFactory(tier="enterprise", severity="p2", now=NOW - 10 * 60 * timedelta(seconds=1))
    rows = {(r["target"], r["days"]): r for r in dashboard.attainment(NOW)["rows"]}
    assert rows[("contractual", 7)] | {} == {
        "target": "contractual",
        "days": 7,
        "met": 2,
        "missed": 1,
        "attainment": 0.6667,
    }
    assert (rows[("goal", 7)]["met"], rows[("goal", 7)]["missed"]) == (1, 2)
    assert (rows[("goal", 30)]["met"], rows[("goal", 30)]["missed"]) == (2, 2)
    assert rows[("contractual", 30)]["met"] == 2  # the free ticket has no contract


def test_attainment_is_empty_not_zero_without_data(db):
    assert all(r["attainment"] is None for r in dashboard.attainment(NOW)["rows"])


def test_first_response_time_median_and_90th_percentile(sam_support):
    for minutes in (10, 20, 30, 40, 100):
        _answered(
            sam_support,
            tier="team",
            severity="p2",
            filed=NOW - 2 * D,
            after=timedelta(minutes=minutes),
        )
    _answered(
        sam_support, tier="team", severity="p2", filed=NOW - 20 * D, after=timedelta(minutes=1000)
    )
    rows = {r["days"]: r for r in dashboard.response_times(NOW)["rows"]}
    assert rows[7] == {"days": 7, "answered": 5, "median_minutes": 30.0, "p90_minutes": 76.0}
    assert rows[30]["answered"] == 6
    assert rows[30]["median_minutes"] == 35.0


def test_backlog_trend_rebuilds_each_day_from_todays_count(sam_support):
    a = TicketFactory(tier="team", severity="p2", now=NOW - 3 * D)
    TicketFactory(tier="team", severity="p2", now=NOW - 2 * D)
    services.ticket_set_status(ticket=a, by=sam_support, status="resolved", now=NOW - D)
    services.ticket_set_status(
        ticket=a, by=sam_support, status="in_progress", now=NOW - H
    )  # reopened
    points = dashboard.backlog_trend(NOW)["points"]
    assert len(points) == 30
    opens = [p["open"] for p in points[-5:]]
    assert opens == [0, 1, 2, 1, 2]
    assert points[-2]["closed"] == 1 and points[-3]["filed"] == 1


def test_load_and_staffing_come_from_the_rota_and_episodes(db):
    from queues.demo import seed_rota

    seed_rota()  # PRODUCT.md's ten engineers; Thursday 18:00 UTC is inside several shifts
    figures = dashboard.dashboard_figures(NOW)
    assert figures["load"]["level"] == 1 and figures["load"]["state"] == "normal"
    on_shift = figures["staffing"]["on_shift"]
    assert on_shift and all(row["until"] > NOW.isoformat() for row in on_shift)
    assert [a["at"] for a in figures["staffing"]["next_arrivals"]] == sorted(
        a["at"] for a in figures["staffing"]["next_arrivals"]
    )
    assert figures["exceptions"] == {"rows": []} and figures["channels"] == {"rows": []}
    assert figures["presales"]["key_dates_available"] is True


def test_open_escalations_and_presales_requests_are_listed(sam_support):
    from escalations.services import escalation_create

    escalated = TicketFactory(tier="enterprise", severity="p1", now=NOW - H)
    services.ticket_triage(
        ticket=escalated, by=sam_support, severity="p1", priority="p1", now=NOW - H
    )
    escalation_create(
        ticket=escalated, by=sam_support, summary="Exports fail", reproduction_steps="1. export",
        impact="All admins", customer_deadline=date(2026, 6, 1), tried="Raised timeouts",
        links=["https://logs.example.com/1"], now=NOW - H,
    )  # fmt: skip
    prospect = TicketFactory(tier="presales", severity="p2", now=NOW - H)
    figures = dashboard.dashboard_figures(NOW)
    rows = figures["escalations"]["rows"]
    assert [(r["id"], r["urgency"], r["state"]) for r in rows] == [(escalated.pk, "normal", "open")]
    assert [r["id"] for r in figures["presales"]["rows"]] == [prospect.pk]


# --- the page -----------------------------------------------------------------------------


def _page_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_page_query_count_does_not_grow_with_data(client, lee_leadership, sam_support):
    client.force_login(lee_leadership)
    with time_machine.travel(NOW, tick=False):
        TicketFactory(tier="enterprise", severity="p1", now=NOW - H)
        TicketFactory(tier="presales", severity="p1", now=NOW - H)
        few = _page_queries(client)
        for i in range(12):
            _answered(sam_support, tier="team", severity="p2", filed=NOW - i * D, after=H)
            TicketFactory(tier="presales", severity="p1", now=NOW - i * H)
        many = _page_queries(client)
    assert few == many
    assert many <= 22  # session, user, roles + the figures' queries (load and rota included)


def test_dashboard_shows_the_matrix_and_the_chart_data(client, lee_leadership):
    TicketFactory(tier="enterprise", severity="p0", now=NOW - 2 * H)
    client.force_login(lee_leadership)
    with time_machine.travel(NOW, tick=False):
        html = client.get("/dashboard/").content.decode()
    assert 'id="matrix"' in html and 'id="backlog-data"' in html
    assert "js/dashboard.js" in html and "<script>" not in html  # no inline scripts
    assert "Level 8" in html  # an open case and nobody on shift: level 8 (PRODUCT.md)


@pytest.mark.parametrize("role", ["support", "ce", "engineering"])
def test_dashboard_page_is_for_leadership_only(client, db, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/matrix.csv").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    assert client.get("/dashboard/")["Location"].startswith("/login/")


def test_dashboard_nav_link_shows_for_leadership_only(client, lee_leadership, sam_support):
    client.force_login(lee_leadership)
    assert 'href="/dashboard/"' in client.get("/dashboard/").content.decode()
    client.force_login(sam_support)
    assert 'href="/dashboard/"' not in client.get("/").content.decode()


@pytest.mark.parametrize("figure", dashboard.FIGURES)
def test_every_figure_downloads_as_csv(client, lee_leadership, figure):
    TicketFactory(tier="enterprise", severity="p1", now=NOW - H)
    client.force_login(lee_leadership)
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/dashboard/{figure}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"dashboard-{figure}-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] and len(rows) >= 2


def test_matrix_csv_has_one_row_per_priority_and_tier(client, lee_leadership):
    TicketFactory(tier="enterprise", severity="p1", now=NOW - H)
    client.force_login(lee_leadership)
    with time_machine.travel(NOW, tick=False):
        rows = list(csv.reader(io.StringIO(client.get("/dashboard/matrix.csv").content.decode())))
    assert rows[0] == ["priority", "tier", "open", "oldest_minutes"]
    assert ["p1", "enterprise", "1", "60"] in rows
    assert len(rows) == 1 + 4 * 6


def test_unknown_figure_is_404(client, lee_leadership):
    client.force_login(lee_leadership)
    assert client.get("/dashboard/nope.csv").status_code == 404


# --- the API ------------------------------------------------------------------------------


def test_api_gives_leadership_every_figure(lee_leadership):
    TicketFactory(tier="enterprise", severity="p1", now=NOW - H)
    with time_machine.travel(NOW, tick=False):
        body = api_client(lee_leadership).get("/api/v1/dashboard/").json()
    assert set(dashboard.FIGURES) <= set(body)
    assert body["matrix"]["total"] == 1
    assert len(body["backlog"]["points"]) == 30


def test_api_one_figure_and_unknown_figure(lee_leadership):
    client = api_client(lee_leadership)
    assert client.get("/api/v1/dashboard/attainment/").status_code == 200
    assert client.get("/api/v1/dashboard/nope/").status_code == 404


@pytest.mark.parametrize(("role", "code"), [("support", 200), ("ce", 403), ("engineering", 403)])
def test_api_readers_are_leadership_and_support(db, role, code):
    assert api_client(UserFactory(role=role)).get("/api/v1/dashboard/").status_code == code


def test_api_needs_authentication(anon, db):
    assert anon.get("/api/v1/dashboard/").status_code == 401


def test_api_support_cannot_write(sam_support):
    assert api_client(sam_support).post("/api/v1/dashboard/", {}).status_code == 405


def test_dashboard_endpoints_are_in_the_openapi_schema(anon, db):
    schema = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/dashboard/" in schema and "/api/v1/dashboard/{figure}/" in schema


def test_presales_key_date_is_the_same_nearest_date_the_ce_sees(cara_ce):
    from presales.rules import nearest_key_date
    from tests.presales.conftest import file_request

    today = date(2026, 5, 14)
    request = file_request(
        cara_ce, key_dates=[(date(2026, 5, 1), "kickoff"), (date(2026, 6, 1), "decision")]
    )
    past = file_request(cara_ce, key_dates=[(date(2026, 5, 1), "kickoff")])
    with time_machine.travel(NOW, tick=False):
        shown = dashboard.presales_key_dates([request.pk, past.pk])
    assert shown[request.pk] == "2026-06-01 decision"
    assert nearest_key_date(request.key_dates.all(), today).label == "decision"
    assert shown[past.pk] == "2026-05-01 kickoff"  # all dates passed: the latest, as for the CE
