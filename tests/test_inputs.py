"""The ticket page's inputs written in Python say what Django's widgets say (issue 14)."""

import pytest

from shared.templatetags.inputs import input_tag
from tests.factories import TicketFactory
from triage.forms import ReplyForm, TriageForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "data",
    [None, {}, {"public": "0", "first_response": "on", "body": "x"}, {"public": "maybe"}],
)
def test_reply_form_inputs_match_the_widgets(data):
    form = ReplyForm(data)
    if data is not None:
        form.is_valid()
    for radio in form["public"]:
        assert input_tag(radio) == radio.tag()
    assert input_tag(form["first_response"]) == str(form["first_response"])


@pytest.mark.parametrize(
    "data", [None, {"severity": "p1", "priority": "p0"}, {"severity": "zz", "reason": "<b>"}]
)
def test_triage_form_radios_match_the_widgets(data):
    ticket = TicketFactory(tier="presales", severity="p2")
    form = TriageForm(data, ticket=ticket) if data is not None else TriageForm(ticket=ticket)
    if data is not None:
        form.is_valid()
    radios = [*form["severity"], *form["priority"]]
    if data is None:
        assert any("checked" in r.tag() for r in radios)
    for radio in radios:
        assert input_tag(radio) == radio.tag()


@pytest.mark.parametrize("data", [None, {"assignee": "999999"}, {"reason": "x"}])
def test_assign_select_matches_the_widget(data, sam_support):
    from shared.templatetags.inputs import select_tag
    from triage.forms import AssignForm

    if data is None:
        form = AssignForm(initial={"assignee": sam_support.pk})
    else:
        form = AssignForm(data)
        form.is_valid()
    html = str(form["assignee"])
    assert select_tag(form["assignee"]) == html
    assert "sam" in html
