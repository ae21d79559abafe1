"""R9 as pure code: what a pre-sales request needs, one definition for the form and the API."""

from datetime import date

import pytest

from presales import requirements

COMPLETE = {
    "summary": "SAML loops back to sign-in",
    "attempted_and_expected": "Followed the guide; expected to land on the dashboard.",
    "steps_taken": "Checked the IdP clock.",
    "impact": "The evaluation team cannot sign in.",
    "sales_context": "Trial, week 2.",
}


def test_a_complete_request_has_no_problem():
    assert requirements.request_problems(COMPLETE) == {}


@pytest.mark.parametrize("field", list(requirements.REQUIRED))
def test_each_required_field_missing_is_named_with_its_message(field):
    problems = requirements.request_problems({**COMPLETE, field: "  "})
    assert problems == {field: requirements.REQUIRED[field]}


def test_the_policy_list_is_the_required_list():
    # R9: summary, attempted and expected, steps taken, impact, sales cycle; links may be empty.
    assert set(requirements.REQUIRED) == {
        "summary", "attempted_and_expected", "steps_taken", "impact", "sales_context",
    }  # fmt: skip
    assert "design_doc_links" in requirements.OPTIONAL and "key_dates" in requirements.OPTIONAL


def test_summary_length_and_scope_are_checked():
    long = requirements.request_problems({**COMPLETE, "summary": "x" * 201})
    assert "200 characters" in long["summary"]
    assert "impact_scope" in requirements.request_problems(COMPLETE, impact_scope="everyone")
    assert requirements.request_problems(COMPLETE, impact_scope="select_users") == {}


def test_a_request_is_for_a_prospect():
    assert requirements.prospect_problem("Northwind", "presales") == ""
    assert requirements.prospect_problem("Initech", "enterprise") == (
        "Initech is a enterprise customer, not a prospect."
    )


def test_design_doc_links_may_be_empty_but_must_be_http():
    assert requirements.design_doc_links([]) == ([], "")
    links, problem = requirements.design_doc_links(["https://docs.example.com/a", "ftp://x"])
    assert links == ["https://docs.example.com/a", "ftp://x"] and "“ftp://x”" in problem


def test_the_description_carries_every_field_under_its_heading():
    text = requirements.description(
        **{k: COMPLETE[k] for k in ("attempted_and_expected", "steps_taken", "impact")},
        impact_scope_label="Select users",
        sales_context=COMPLETE["sales_context"],
        links=[],
        key_dates=[(date(2026, 12, 15), "decision")],
        key_dates_text="",
    )
    assert "Impact (Select users):\nThe evaluation team cannot sign in." in text
    assert "Technical design documents:\nnone" in text
    assert "Key dates:\n2026-12-15 decision" in text
