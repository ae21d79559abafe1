from django.apps import AppConfig


class PresalesConfig(AppConfig):
    name = "presales"
