from django.apps import AppConfig


class DavConfig(AppConfig):
    name = "goodwill.dav"
    label = "dav"
    verbose_name = "CardDAV"

    def ready(self) -> None:
        # Connects the receiver that records a deleted contact for the next sync.
        from goodwill.dav import receivers  # noqa: F401
