"""Issue 15, point 1: every CSV the product writes shows hostile cells as text, never formulas.

The issue's own attack: a CE files a pre-sales request whose summary is a HYPERLINK formula for
an account named "=Prospect Formula Co"; leadership downloads /dashboard/presales.csv.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboards import figures
from presales import services as presales
from tests.conftest import api_client
from tests.factories import AccountFactory, TicketFactory, UserFactory, escalate
from tests.hostile import CORPUS, assert_csv_inert, csv_rows
from tests.queues.helpers import engineer
from triage import services as triage

FORMULAS = [v for k, v in CORPUS.items() if k.startswith("formula_")]


def test_presales_csv_shows_the_issues_hyperlink_summary_as_text(client, cara_ce, lee_leadership):
    account = triage.account_create(
        name="=Prospect Formula Co", tier="presales", deployment="cloud"
    )
    answer = api_client(cara_ce).post(
        "/api/v1/presales/requests/",
        {
            "account": account.pk,
            "summary": CORPUS["formula_hyperlink"],
            "attempted_and_expected": "Tried the import; expected rows.",
            "steps_taken": "None yet.",
            "impact": "Blocks the trial.",
            "design_doc_links": [],
            "sales_context": "Trial week 1.",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    client.force_login(lee_leadership)
    rows = assert_csv_inert(client.get("/dashboard/presales.csv").content)
    header, row = rows[0], rows[1]
    assert row[header.index("title")] == "'" + CORPUS["formula_hyperlink"].replace("|", "\\|")
    assert row[header.index("account")] == "'=Prospect Formula Co"
    assert row[header.index("id")] == str(answer.json()["id"])  # numbers stay numbers


def _hostile_world(cara, sam):
    """One row in every listed figure holding a formula: tickets, escalations, exceptions,
    trial channels, an engineer on shift."""
    for i, formula in enumerate(FORMULAS):
        ticket = TicketFactory(tier="enterprise", severity="p1", title=formula.strip())
        triage.ticket_triage(ticket=ticket, by=sam, severity="p1", priority="p1")
        escalate(ticket, by=sam, summary=formula.strip())
        prospect = AccountFactory(tier="presales", name=f"{formula.strip()} #{i}")
        request = presales.presales_request_create(
            by=cara, account=prospect, summary=formula.strip(), attempted_and_expected="a",
            steps_taken="b", impact="c", sales_context="d", key_dates=[(date(2099, 1, 1), formula)],
        )  # fmt: skip
        presales.exception_request(
            by=cara, kind="other", account=prospect, reason=formula, ends_on=date(2099, 1, 1),
            ticket=request.ticket,
        )  # fmt: skip
        presales.channel_join(ticket=request.ticket, by=sam, channel=formula.strip())
    engineer("+1+1", start="00:00", end="23:59", days=range(7))
    engineer("@sum", start="00:00", end="23:59", days=range(7))


@pytest.mark.parametrize("figure", figures.FIGURES)
def test_no_dashboard_csv_holds_a_formula_cell(
    client, cara_ce, sam_support, lee_leadership, figure
):
    _hostile_world(cara_ce, sam_support)
    client.force_login(lee_leadership)
    response = client.get(f"/dashboard/{figure}.csv")
    assert response.status_code == 200
    rows = assert_csv_inert(response.content)
    if figure in ("presales", "escalations", "exceptions", "channels", "staffing"):
        cells = {cell for row in rows for cell in row}
        assert any(cell.startswith("'") for cell in cells), "the hostile rows are in the CSV"


def test_leading_tab_or_carriage_return_cannot_hide_a_formula():
    from shared.exports import csv_response

    # OWASP names them: a spreadsheet skips them and reads the formula after.
    response = csv_response("x.csv", ["a", "b"], [["\t=1+1", "\r=cmd|' /C calc'!A0"]])
    assert csv_rows(response.content)[1] == ["'=1+1", "'=cmd\\|' /C calc'!A0"]


def test_numbers_and_plain_text_are_unchanged():
    from shared.exports import csv_cell, csv_response

    rows = csv_rows(
        csv_response(
            "x.csv", ["n"], [[-5, 12.5, "-5", "3.25", None, "Exports - slow", "a=b"]]
        ).content
    )
    assert rows[1] == ["-5", "12.5", "-5", "3.25", "", "Exports - slow", "a=b"]
    assert csv_cell(None) == "" and csv_cell(7) == 7


def test_a_username_that_looks_like_a_formula_is_text_in_the_staffing_csv(client, lee_leadership):
    engineer("-2+3", start="00:00", end="23:59", days=range(7))
    client.force_login(lee_leadership)
    rows = assert_csv_inert(client.get("/dashboard/staffing.csv").content)
    assert rows[1][:2] == ["on_shift", "'-2+3"]
    assert UserFactory(username="-2+3").username == "-2+3"
