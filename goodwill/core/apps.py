from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "goodwill.core"
    label = "core"
    verbose_name = "Core and operations"

    def ready(self) -> None:
        # Each app registers its periodic sweeps in its own sweeps.py.
        autodiscover_modules("sweeps")
