from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "goodwill.agreements"
    label = "agreements"
    verbose_name = "Working agreements"
