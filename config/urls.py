from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

api_v1 = [
    path("", include("triage.urls")),
    path("", include("queues.urls")),
    path("presales/", include("presales.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("triage.web_urls")),
    path("", include("queues.web_urls")),
    path("presales/", include("presales.web_urls")),
    path("engineering/", include("triage.escalation_urls")),
]

# Unknown URLs under /api/ answer JSON like the rest of the API; the site keeps its HTML page.
handler404 = "triage.apis.not_found"
