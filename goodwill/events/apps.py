from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "goodwill.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        # Registers the contact page's events panel.
        from goodwill.events import panels  # noqa: F401
