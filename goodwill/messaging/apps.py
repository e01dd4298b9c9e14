from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "goodwill.messaging"
    label = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        # Registers the contact page's messages panel.
        from goodwill.messaging import panels  # noqa: F401
