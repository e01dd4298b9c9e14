from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "goodwill.agreements"
    label = "agreements"
    verbose_name = "Working agreements"

    def ready(self) -> None:
        # The contact panel and client-page section (panels), detecting breaches from logged
        # touches (detection), and the health panel and agenda check-ins (health_panels).
        from goodwill.agreements import detection, health_panels, panels  # noqa: F401
