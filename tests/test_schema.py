"""The OpenAPI schema is valid without warnings, and its docs work offline."""

import io

import pytest
from django.core.management import call_command


def test_openapi_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


@pytest.mark.django_db
def test_schema_lists_every_contract_path(anon):
    schema = anon.get("/api/v1/schema/?format=json").json()
    expected = {
        "/api/v1/accounts/", "/api/v1/accounts/{id}/", "/api/v1/tickets/",
        "/api/v1/tickets/{id}/", "/api/v1/tickets/{id}/triage/", "/api/v1/tickets/{id}/pin/",
        "/api/v1/tickets/{id}/unpin/", "/api/v1/tickets/{id}/events/", "/api/v1/queue/",
        "/api/v1/queue/next/", "/api/v1/queue/claim/",
    }  # fmt: skip
    assert expected <= set(schema["paths"])


@pytest.mark.django_db
def test_api_docs_load_their_assets_from_this_server(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page


@pytest.mark.django_db
def test_schema_documents_the_error_answers_of_every_operation(anon):
    """Found by the fuzzer: 400/401/403/404 were answered but not in the schema."""
    paths = anon.get("/api/v1/schema/?format=json").json()["paths"]
    ticket = paths["/api/v1/tickets/{id}/"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(ticket["patch"]["responses"])
    assert {"200", "401", "403", "404"} <= set(ticket["get"]["responses"])
    assert "400" not in ticket["get"]["responses"]  # no body, no query: nothing to get wrong
    assert {"200", "400", "401", "403"} <= set(paths["/api/v1/queue/"]["get"]["responses"])
    conflict = ticket["patch"]["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict == {"$ref": "#/components/schemas/Error"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/tickets/abc/", "/api/v1/nothing-here/"])
def test_unknown_api_urls_answer_json_404(anon, path):
    """Found by the fuzzer: a path no route matches answered the site's HTML page."""
    answer = anon.get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_unknown_pages_keep_the_html_404(client):
    answer = client.get("/tickets/abc/")
    assert answer.status_code == 404
    assert "Nothing here" in answer.content.decode()
