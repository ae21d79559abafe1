"""bench/pages.py's URLconf: the app's own (config.urls) plus the ceiling, a minimal DRF view.

The ceiling reads one ticket row by primary key (four columns) and answers it as JSON, behind
the API's default authentication (token), permission (staff roles) and middleware: what every
API endpoint pays before its own work, and nothing more. Every figure is divided by its rate.
"""

from django.http import Http404
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404, handler500
from config.urls import urlpatterns as app_urlpatterns
from triage.models import Ticket

CEILING_PATH = "api/v1/bench-ceiling/<int:pk>/"


class CeilingApi(APIView):
    """One row by primary key, nothing else."""

    def get(self, request, pk: int):
        row = Ticket.objects.filter(pk=pk).values("id", "title", "priority", "status").first()
        if row is None:
            raise Http404
        return Response(row)


urlpatterns = [path(CEILING_PATH, CeilingApi.as_view(), name="bench-ceiling"), *app_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
