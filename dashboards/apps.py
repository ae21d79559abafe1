from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Leadership's dashboard: figures from every app below it, as a page, CSVs and an API."""

    name = "dashboards"
