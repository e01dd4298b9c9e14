from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "goodwill.agenda"
    label = "agenda"
    verbose_name = "Agenda"

    def ready(self) -> None:
        # Registers the dashboard's agenda panel.
        from goodwill.agenda import dashboard  # noqa: F401
