from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kabinet.web"
    label = "web"
