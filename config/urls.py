from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

api_v1 = [
    path("", include("triage.urls")),
    path("", include("escalations.urls")),
    path("", include("shared.urls")),
    path("", include("queues.urls")),
    path("", include("dashboards.urls")),
    path("presales/", include("presales.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # CSP-friendly docs (config/csp.py): the swagger-ui init script is served from docs/?script,
    # and neither page has inline <style> or <script> (templates/api/).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("shared.web_urls")),
    path("", include("triage.web_urls")),
    path("", include("queues.web_urls")),
    path("", include("dashboards.web_urls")),
    path("presales/", include("presales.web_urls")),
    path("engineering/", include("escalations.web_urls")),
    path("mail/", include("mail.web_urls")),
    path("mail/", include("mail.urls")),  # providers' inbound webhooks
]

# A lost database raised inside a middleware answers 503 like one raised in a view.
handler500 = "config.availability.server_error"
# Unknown URLs under /api/ answer JSON like the rest of the API; the site keeps its HTML page.
handler404 = "shared.api.not_found"
