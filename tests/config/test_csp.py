"""The Content-Security-Policy header: on every HTML response, strict, one documented exception."""

import pytest

from config.csp import build_policy

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def test_the_policy_is_the_agreed_one_without_unsafe_inline_or_eval():
    assert build_policy() == STRICT
    assert "unsafe" not in STRICT


@pytest.mark.parametrize("path", ["/login/", "/", "/api/v1/docs/", "/admin/login/", "/nowhere/"])
def test_every_html_page_gets_the_strict_policy(client, sam_support, path):
    client.force_login(sam_support)
    response = client.get(path)
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == STRICT


def test_json_answers_do_not_carry_it(as_sam):
    response = as_sam.get("/api/v1/queue/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_only_redoc_may_use_runtime_styles(client):
    response = client.get("/api/v1/redoc/")
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy  # scripts stay strict even there
    assert client.get("/api/v1/docs/")["Content-Security-Policy"] == STRICT


def test_report_only_switch(client, settings):
    settings.CSP_REPORT_ONLY = True
    response = client.get("/login/")
    assert response["Content-Security-Policy-Report-Only"] == STRICT
    assert "Content-Security-Policy" not in response


def test_the_docs_pages_have_no_inline_script_or_style(client):
    for path in ["/api/v1/docs/", "/api/v1/redoc/"]:
        html = client.get(path).content.decode()
        assert "<style" not in html
        assert "<script>" not in html  # every <script> has a src
        assert "fonts.googleapis.com" not in html  # offline, and fonts are 'self' only
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
