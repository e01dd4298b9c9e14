from django.apps import AppConfig


class TouchpointsConfig(AppConfig):
    name = "goodwill.touchpoints"
    label = "touchpoints"
    verbose_name = "Touchpoints"
