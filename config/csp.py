"""Content-Security-Policy on every HTML response (Django 5.2 has none built in).

A dozen lines of ours rather than django-csp: the policy is one fixed string (no nonces, no
per-view decorators), so the middleware only picks the header for the path and sets it.
"""

from __future__ import annotations

from django.conf import settings

DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def build_policy(**overrides: str) -> str:
    """Return the header value: the directives above, with some replaced (`style_src=...`)."""
    directives = {**DIRECTIVES, **{k.replace("_", "-"): v for k, v in overrides.items()}}
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Set CSP (or CSP-Report-Only, settings.CSP_REPORT_ONLY) on HTML responses.

    settings.CSP_POLICY is the policy; settings.CSP_PATH_POLICIES maps a path prefix to a
    looser policy for that prefix only (documented where it is set). Settings are read per
    request so tests can change them; each read is an attribute lookup. With DEBUG on, error
    responses go without: Django's technical 404/500 pages rely on inline styles and scripts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's technical error pages style themselves inline
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if header in response:  # a view chose its own
            return response
        policy = settings.CSP_POLICY
        for prefix, special in settings.CSP_PATH_POLICIES.items():
            if request.path.startswith(prefix):
                policy = special
                break
        response[header] = policy
        return response
