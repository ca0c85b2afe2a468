from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"

    def ready(self):
        from . import signals

        signals.public_pages_watch()
        signals.personal_pages_watch()
