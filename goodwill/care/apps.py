from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "goodwill.care"
    label = "care"
    verbose_name = "Customer care"

    def ready(self) -> None:
        # Registers the contact page's cases panel and the agenda's case deadlines.
        from goodwill.care import panels  # noqa: F401
