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
