from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "goodwill.clients"
    label = "clients"
    verbose_name = "Clients, customers and fit"

    def ready(self) -> None:
        # Registers the contact page's panels.
        from goodwill.clients import fit_panels, panels  # noqa: F401
