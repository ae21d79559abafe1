from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data that looks like a real day (`manage.py seed_demo`), on top of every app."""

    name = "demo"
