from django.apps import AppConfig


class TouchpointsConfig(AppConfig):
    name = "goodwill.touchpoints"
    label = "touchpoints"
    verbose_name = "Touchpoints"

    def ready(self) -> None:
        # Connects the signal receivers and the dashboard panel.
        from goodwill.touchpoints import dashboard, receivers  # noqa: F401
